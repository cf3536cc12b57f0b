/**
 * @module The targets table's rows (pure): one row per scheduled job (target × probe module),
 * filtered by text and status, sorted and cut to one page. Built per request from what the agent
 * already holds (jobs, targets, last results, the history ring), never copied or cached.
 */
import type { ResultRecord } from "../../results/types.ts";
import type { TableQuery } from "./table_query.ts";

/** What a row needs of a job (a scheduled `JobDef` fits). */
export interface JobInfo {
  key: string;
  job: { target: string; probe: string; type: string };
}

/** What a row needs of a target. */
export interface TargetInfo {
  address: string;
  sources: readonly string[];
  labels: Readonly<Record<string, string>>;
}

/** A row's status: its last result succeeded, failed, or there is none yet. */
export type RowStatus = "up" | "down" | "pending";

/** One row of the table. */
export interface TargetRow {
  key: string;
  target: string;
  probe: string;
  type: string;
  sources: readonly string[];
  labels: Readonly<Record<string, string>>;
  status: RowStatus;
  last: ResultRecord | undefined;
}

/** What the table reads. */
export interface RowSource {
  jobs: readonly JobInfo[];
  targets: readonly TargetInfo[];
  last(key: string): ResultRecord | undefined;
  /** Loss over the history window, or null without runs. */
  loss(key: string): number | null;
}

/** One page of rows plus the counts the filters show. */
export interface RowPage {
  rows: TargetRow[];
  /** Rows matching text and status. */
  matched: number;
  /** Rows matching the text, by status (for the status filter's counts). */
  counts: Record<RowStatus | "all", number>;
  /** The page shown (clamped to the last one) and how many there are. */
  page: number;
  pages: number;
}

const STATUS_ORDER: Record<RowStatus, number> = { down: 0, pending: 1, up: 2 };

const byAddress = new WeakMap<readonly TargetInfo[], Map<string, TargetInfo>>();

function targetIndex(targets: readonly TargetInfo[]): Map<string, TargetInfo> {
  let index = byAddress.get(targets);
  if (!index) {
    index = new Map(targets.map((t) => [t.address, t]));
    byAddress.set(targets, index);
  }
  return index;
}

/** A result's RTT: the ICMP median, a success's duration for other probes, else null. */
export function lastRtt(r: ResultRecord | undefined): number | null {
  if (!r) return null;
  if (r.icmp) return r.icmp.received > 0 ? r.icmp.medianSeconds : null;
  return r.success ? r.durationSeconds : null;
}

/** Every row, unfiltered, in job order. */
export function allRows(src: RowSource): TargetRow[] {
  const index = targetIndex(src.targets);
  return src.jobs.map((j) => {
    const t = index.get(j.job.target);
    const last = src.last(j.key);
    return {
      key: j.key,
      target: j.job.target,
      probe: j.job.probe,
      type: j.job.type,
      sources: t?.sources ?? [],
      labels: t?.labels ?? {},
      status: last === undefined ? "pending" : last.success ? "up" : "down",
      last,
    };
  });
}

/** The text a filter word is looked for in (lower case). */
function haystack(r: TargetRow): string {
  let s = `${r.target} ${r.probe} ${r.type} ${r.sources.join(" ")} ${r.status}`;
  for (const k in r.labels) s += ` ${k}=${r.labels[k]}`;
  if (r.last?.reason) s += ` ${r.last.reason}`;
  return s.toLowerCase();
}

const cmpText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Numbers ascending, missing values last whatever the order. */
const cmpNum = (a: number | null, b: number | null, desc: boolean) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : desc ? b - a : a - b;

/** Filters, sorts and pages the rows as `query` says. */
export function selectRows(src: RowSource, query: TableQuery): RowPage {
  const words = query.q.toLowerCase().split(/\s+/).filter((w) => w !== "");
  const text = allRows(src).filter((r) => {
    if (words.length === 0) return true;
    const h = haystack(r);
    return words.every((w) => h.includes(w));
  });
  const counts = { all: text.length, up: 0, down: 0, pending: 0 };
  for (const r of text) counts[r.status]++;
  const rows = query.status === "all" ? text : text.filter((r) => r.status === query.status);
  sortRows(rows, query, src);
  const pages = Math.max(1, Math.ceil(rows.length / query.per));
  const page = Math.min(query.page, pages);
  return {
    rows: rows.slice((page - 1) * query.per, page * query.per),
    matched: rows.length,
    counts,
    page,
    pages,
  };
}

function sortRows(rows: TargetRow[], query: TableQuery, src: RowSource): void {
  const sign = query.desc ? -1 : 1;
  const tie = (a: TargetRow, b: TargetRow) =>
    cmpText(a.target, b.target) || cmpText(a.probe, b.probe);
  let cmp: (a: TargetRow, b: TargetRow) => number;
  switch (query.sort) {
    case "status":
      cmp = (a, b) => sign * (STATUS_ORDER[a.status] - STATUS_ORDER[b.status]) || tie(a, b);
      break;
    case "target":
      return void rows.sort((a, b) => sign * tie(a, b));
    case "probe":
      cmp = (a, b) => sign * cmpText(a.probe, b.probe) || tie(a, b);
      break;
    case "source":
      cmp = (a, b) => sign * cmpText(a.sources.join(","), b.sources.join(",")) || tie(a, b);
      break;
    case "reason":
      cmp = (a, b) => sign * cmpText(a.last?.reason ?? "", b.last?.reason ?? "") || tie(a, b);
      break;
    case "duration":
      cmp = (a, b) =>
        cmpNum(a.last?.durationSeconds ?? null, b.last?.durationSeconds ?? null, query.desc) ||
        tie(a, b);
      break;
    case "rtt":
      cmp = (a, b) => cmpNum(lastRtt(a.last), lastRtt(b.last), query.desc) || tie(a, b);
      break;
    case "last":
      cmp = (a, b) =>
        cmpNum(a.last?.timestampMs ?? null, b.last?.timestampMs ?? null, query.desc) || tie(a, b);
      break;
    case "loss": {
      const loss = new Map(rows.map((r) => [r.key, src.loss(r.key)]));
      cmp = (a, b) => cmpNum(loss.get(a.key)!, loss.get(b.key)!, query.desc) || tie(a, b);
      break;
    }
  }
  rows.sort(cmp);
}
