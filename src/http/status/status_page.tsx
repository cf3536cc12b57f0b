/**
 * @module The status page's routes, mounted on the agent's own hono app (so they sit behind the
 * same middleware as the API): `GET /` (overview and targets table), `GET /target?probe=&target=`
 * (one job), and their JSON parts `GET /parts/index` and `GET /parts/target` (element id → HTML,
 * polled by the page's script). Everything is read per request from what the agent holds.
 */
import type { Hono } from "hono";
import type { Registry } from "../../base/prom.ts";
import type { ResultRecord } from "../../results/types.ts";
import type { RecentRing } from "../../results/recent_ring.ts";
import { allRows, type JobInfo, selectRows, type TargetInfo } from "./target_rows.ts";
import { parseTableQuery } from "./table_query.ts";
import { overviewCards } from "./overview.ts";
import { formatSpan } from "./format.ts";
import { Layout } from "./layout.tsx";
import { OverviewView } from "./overview_view.tsx";
import { FilterForm, TargetsTable } from "./targets_table.tsx";
import {
  TargetHistory,
  TargetResults,
  TargetSummary,
  type TargetViewModel,
} from "./target_view.tsx";

/** What the status page reads from the agent. */
export interface StatusPageDeps {
  jobs(): readonly JobInfo[];
  targets(): readonly TargetInfo[];
  last: { get(key: string): ResultRecord | undefined };
  ring: RecentRing;
  /** The `/api/v1/status` object. */
  status(): Record<string, unknown>;
  labels(): Readonly<Record<string, string>>;
  walMaxBytes(): number;
  /** Where `vmprober_icmp_helper_info` is read from. */
  registry: Registry;
  /** Wall-clock Unix ms (default `Date.now`). */
  now?: () => number;
  /** Agent start, Unix ms (default: when the page was mounted). */
  startedMs?: number;
}

const PATHS = ["/", "/target", "/parts/index", "/parts/target"];

/** Adds the status page routes to `app`. */
export function mountStatusPage(app: Hono, deps: StatusPageDeps): void {
  const now = deps.now ?? Date.now;
  const startedMs = deps.startedMs ?? now();
  const rowSource = (nowMs: number) => ({
    jobs: deps.jobs(),
    targets: deps.targets(),
    last: (k: string) => deps.last.get(k),
    loss: (k: string) => deps.ring.loss(k, nowMs),
  });
  const helpers = async () => {
    const metric = deps.registry.getSingleMetric("vmprober_icmp_helper_info");
    if (!metric) return [];
    const { values } = await metric.get();
    return values.filter((v) => v.value === 1).map((v) => ({
      helper: String(v.labels.helper),
      family: String(v.labels.family),
    }));
  };

  const indexParts = async (search: URLSearchParams) => {
    const nowMs = now();
    const query = parseTableQuery(search);
    const src = rowSource(nowMs);
    const page = selectRows(src, query);
    const counts = { up: 0, down: 0, pending: 0 };
    if (query.q === "") Object.assign(counts, page.counts);
    else for (const r of allRows(src)) counts[r.status]++;
    const cards = overviewCards({
      status: deps.status(),
      labels: deps.labels(),
      icmpHelpers: await helpers(),
      walMaxBytes: deps.walMaxBytes(),
      startedMs,
      nowMs,
      counts,
    });
    const window = formatSpan(deps.ring.shape.windowMs);
    return {
      query,
      overview: <OverviewView cards={cards} />,
      targets: (
        <TargetsTable page={page} query={query} nowMs={nowMs} loss={src.loss} window={window} />
      ),
    };
  };

  const targetModel = (search: URLSearchParams): TargetViewModel | undefined => {
    const nowMs = now();
    const probe = search.get("probe"), target = search.get("target");
    const job = deps.jobs().find((j) => j.job.probe === probe && j.job.target === target);
    if (!job) return undefined;
    const [row] = allRows({ ...rowSource(nowMs), jobs: [job] });
    const { windowMs, stepMs } = deps.ring.shape;
    return {
      row: row!,
      points: deps.ring.points(job.key, nowMs),
      recent: deps.ring.recent(job.key),
      loss: deps.ring.loss(job.key, nowMs),
      nowMs,
      windowMs,
      stepMs,
    };
  };

  app.use("*", async (c, next) => {
    if (PATHS.includes(c.req.path) && c.req.method !== "GET" && c.req.method !== "HEAD") {
      return c.text(`Method ${c.req.method} not allowed; use GET\n`, 405, { Allow: "GET" });
    }
    await next();
  });

  app.get("/", async (c) => {
    const p = await indexParts(new URL(c.req.url).searchParams);
    return c.html(
      "<!DOCTYPE html>" +
        await (
          <Layout title="vmprober status" parts="/parts/index">
            <h2>Overview</h2>
            <div id="overview">{p.overview}</div>
            <h2>Targets</h2>
            <FilterForm query={p.query} />
            <div id="targets">{p.targets}</div>
          </Layout>
        ).toString(),
    );
  });

  app.get("/parts/index", async (c) => {
    const p = await indexParts(new URL(c.req.url).searchParams);
    return c.json({ overview: await p.overview.toString(), targets: await p.targets.toString() });
  });

  app.get("/target", async (c) => {
    const m = targetModel(new URL(c.req.url).searchParams);
    if (!m) {
      return c.html(
        "<!DOCTYPE html>" +
          await (
            <Layout title="vmprober: no such target" parts="">
              <h2>No such target</h2>
              <p>
                No scheduled job has this probe and target. <a href="/">Back to all targets</a>
              </p>
            </Layout>
          ).toString(),
        404,
      );
    }
    return c.html(
      "<!DOCTYPE html>" +
        await (
          <Layout title={`${m.row.target} · ${m.row.probe} · vmprober`} parts="/parts/target">
            <p>
              <a href="/">← all targets</a>
            </p>
            <h2 id="target-title" class="big">
              {m.row.target} <span class="mute">· {m.row.probe}</span>
            </h2>
            <div id="summary">
              <TargetSummary m={m} />
            </div>
            <h2>Last {formatSpan(m.windowMs)}</h2>
            <div id="history">
              <TargetHistory m={m} />
            </div>
            <h2>Last results</h2>
            <div id="results">
              <TargetResults m={m} />
            </div>
          </Layout>
        ).toString(),
    );
  });

  app.get("/parts/target", async (c) => {
    const m = targetModel(new URL(c.req.url).searchParams);
    if (!m) return c.json({ error: "no such target" }, 404);
    return c.json({
      summary: await (<TargetSummary m={m} />).toString(),
      history: await (<TargetHistory m={m} />).toString(),
      results: await (<TargetResults m={m} />).toString(),
    });
  });
}
