/** @module The overview cards as HTML. */
import type { Card } from "./overview.ts";
import { Chips } from "./layout.tsx";

/** The cards grid (the `overview` part of the index page). */
export function OverviewView(p: { cards: Card[] }) {
  return (
    <div class="cards">
      {p.cards.map((c) => (
        <section class={`card ${c.level}`} id={`card-${c.id}`} data-level={c.level}>
          <h3>
            {c.title}
            <span class={`lvl ${c.level}`}>{c.level}</span>
          </h3>
          <div class="v">{c.value}</div>
          {c.chips && c.chips.length > 0
            ? (
              <div>
                <Chips labels={c.chips} />
              </div>
            )
            : null}
          <dl>
            {c.lines.map(([k, v]) => (
              <>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </>
            ))}
          </dl>
        </section>
      ))}
    </div>
  );
}
