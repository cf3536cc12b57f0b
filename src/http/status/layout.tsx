/** @module The page shell: head with the inline style, header bar, main, the refresh script. */
import type { Child } from "hono/jsx";
import { PAGE_CSS, REFRESH_SCRIPT } from "./page_style.ts";

/** Props of {@linkcode Layout}. */
export interface LayoutProps {
  title: string;
  /** The JSON parts endpoint the refresh script polls. */
  parts: string;
  children?: Child;
}

/** The whole HTML document (without the doctype, which the route writes). */
export function Layout(p: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{p.title}</title>
        <noscript>
          <meta http-equiv="refresh" content="30" />
        </noscript>
        <style dangerouslySetInnerHTML={{ __html: PAGE_CSS }} />
      </head>
      <body data-parts={p.parts}>
        <header>
          <h1>
            <a href="/">vmprober</a>
          </h1>
          <span class="sp" />
          <small id="stamp">live: refreshes every 5 s</small>
          <a href="/metrics">/metrics</a>
          <a href="/api/v1/status">/api/v1/status</a>
          <a href="/api/v1/targets">/api/v1/targets</a>
        </header>
        <main>{p.children}</main>
        <script dangerouslySetInnerHTML={{ __html: REFRESH_SCRIPT }} />
      </body>
    </html>
  );
}

/** Label chips, at most `max` (then "+N"). */
export function Chips(
  p: { labels: Readonly<Record<string, string>> | [string, string][]; max?: number },
) {
  const entries = Array.isArray(p.labels) ? p.labels : Object.entries(p.labels);
  const max = p.max ?? entries.length;
  return (
    <>
      {entries.slice(0, max).map(([k, v]) => (
        <span class="chip">
          <b>{k}</b>={v}
        </span>
      ))}
      {entries.length > max ? <span class="mute">+{entries.length - max}</span> : null}
    </>
  );
}
