/**
 * @module The targets table: a plain GET form for the text filter (works without JavaScript),
 * status pills with counts, sortable column headers and a pager, all as links with the state in
 * the query string so a view can be shared.
 */
import { lastRtt, type RowPage, type TargetRow } from "./target_rows.ts";
import { type SortKey, STATUS_FILTERS, type TableQuery, tableSearch } from "./table_query.ts";
import { formatAgo, formatCount, formatLoss, formatSeconds } from "./format.ts";
import { Chips } from "./layout.tsx";

/** The link to a job's own page. */
export function targetHref(r: { probe: string; target: string }): string {
  return `/target?${new URLSearchParams({ probe: r.probe, target: r.target })}`;
}

/** The filter form (outside the refreshed part, so typing is never interrupted). */
export function FilterForm(p: { query: TableQuery }) {
  const q = p.query;
  return (
    <form class="filter" method="get" action="/">
      <input
        type="search"
        name="q"
        value={q.q}
        placeholder="filter: words in target, probe, source, label=value, reason"
        aria-label="filter"
      />
      {q.status !== "all" ? <input type="hidden" name="status" value={q.status} /> : null}
      {q.sort !== "status" ? <input type="hidden" name="sort" value={q.sort} /> : null}
      {q.desc ? <input type="hidden" name="order" value="desc" /> : null}
      {q.per !== 100 ? <input type="hidden" name="per" value={String(q.per)} /> : null}
      <button type="submit">Filter</button>
      {q.q ? <a href={tableSearch(q, { q: "", page: 1 })}>clear</a> : null}
    </form>
  );
}

const COLUMNS: [SortKey | null, string, boolean][] = [
  ["target", "Target", false],
  ["probe", "Probe", false],
  ["source", "Source", false],
  [null, "Labels", false],
  ["status", "Status", false],
  ["duration", "Last duration", true],
  ["rtt", "RTT", true],
  ["loss", "Loss", true],
  ["reason", "Last error", false],
  ["last", "Last run", true],
];

const TITLES: Record<string, (window: string) => string> = {
  duration: () => "how long the last run took (ICMP: all its packets)",
  rtt: () => "last round trip: ICMP median, else the successful connect or exchange",
  loss: (window) => `mean loss over the last ${window}`,
};

/** Props of {@linkcode TargetsTable}. */
export interface TargetsTableProps {
  page: RowPage;
  query: TableQuery;
  nowMs: number;
  /** Loss over the history window, per row key. */
  loss(key: string): number | null;
  /** The history window in words, for the loss column's title. */
  window: string;
}

/** Pills, table and pager (the `targets` part of the index page). */
export function TargetsTable(p: TargetsTableProps) {
  const { page, query } = p;
  const from = page.matched === 0 ? 0 : (page.page - 1) * query.per + 1;
  const to = Math.min(page.matched, page.page * query.per);
  return (
    <div>
      <div class="pills">
        {STATUS_FILTERS.map((s) => (
          <a
            href={tableSearch(query, { status: s, page: 1 })}
            class={s === query.status ? "on" : ""}
            data-status={s}
          >
            {s} <span data-count={s}>{formatCount(page.counts[s])}</span>
          </a>
        ))}
      </div>
      <Pager {...p} from={from} to={to} />
      <table
        id="targets-table"
        data-rows={String(page.rows.length)}
        data-matched={String(page.matched)}
      >
        <thead>
          <tr>
            {COLUMNS.map(([key, title, numeric]) => (
              <th
                class={numeric ? "n" : ""}
                title={TITLES[key ?? ""]?.(p.window)}
              >
                {key ? <SortLink query={query} sort={key} title={title} /> : title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {page.rows.length === 0
            ? (
              <tr>
                <td colspan={COLUMNS.length} class="mute">No target matches.</td>
              </tr>
            )
            : page.rows.map((r) => (
              <Row
                key={r.key}
                row={r}
                nowMs={p.nowMs}
                loss={p.loss(r.key)}
              />
            ))}
        </tbody>
      </table>
      {page.pages > 1 ? <Pager {...p} from={from} to={to} /> : null}
    </div>
  );
}

function SortLink(p: { query: TableQuery; sort: SortKey; title: string }) {
  const on = p.query.sort === p.sort;
  const desc = on ? !p.query.desc : false;
  return (
    <a href={tableSearch(p.query, { sort: p.sort, desc, page: 1 })} data-sort={p.sort}>
      {p.title}
      {on ? (p.query.desc ? " ▼" : " ▲") : ""}
    </a>
  );
}

function Pager(p: TargetsTableProps & { from: number; to: number }) {
  const { page, query } = p;
  return (
    <div class="pager">
      <span>
        {formatCount(p.from)}–{formatCount(p.to)} of {formatCount(page.matched)}
      </span>
      {page.page > 1
        ? <a href={tableSearch(query, { page: page.page - 1 })} rel="prev">← previous</a>
        : null}
      <span>
        page {formatCount(page.page)} of {formatCount(page.pages)}
      </span>
      {page.page < page.pages
        ? <a href={tableSearch(query, { page: page.page + 1 })} rel="next">next →</a>
        : null}
    </div>
  );
}

function Row(p: { row: TargetRow; nowMs: number; loss: number | null }) {
  const r = p.row, last = r.last;
  return (
    <tr data-key={r.key} data-status={r.status}>
      <td>
        <a href={targetHref(r)}>{r.target}</a>
      </td>
      <td>
        {r.probe}
        {r.type !== r.probe ? <span class="mute">{r.type}</span> : null}
      </td>
      <td>{r.sources.join(", ")}</td>
      <td>
        <Chips labels={r.labels} max={4} />
      </td>
      <td>
        <span class={`st ${r.status}`}>{r.status}</span>
      </td>
      <td class="n">{last ? formatSeconds(last.durationSeconds) : "–"}</td>
      <td class="n">{formatSeconds(lastRtt(last))}</td>
      <td class="n">{formatLoss(p.loss)}</td>
      <td class="reason" title={last?.detail ?? undefined}>{last?.reason ?? ""}</td>
      <td class="n mute">{last ? formatAgo(last.timestampMs, p.nowMs) : "–"}</td>
    </tr>
  );
}
