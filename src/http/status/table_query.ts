/**
 * @module The targets table's query string (`q`, `status`, `sort`, `order`, `page`, `per`):
 * parsed leniently (an unknown or out-of-range value falls back to its default, so an old or
 * hand-edited link still opens) and written back for links that keep the rest of the state.
 */

/** Columns the table sorts by. */
export const SORT_KEYS = [
  "status",
  "target",
  "probe",
  "source",
  "duration",
  "rtt",
  "loss",
  "reason",
  "last",
] as const;
/** A sortable column. */
export type SortKey = typeof SORT_KEYS[number];

/** Status filter values. */
export const STATUS_FILTERS = ["all", "down", "pending", "up"] as const;
/** A status filter. */
export type StatusFilter = typeof STATUS_FILTERS[number];

/** Rows per page when `per` is not given, and the most a page may hold. */
export const DEFAULT_PER_PAGE = 100;
export const MAX_PER_PAGE = 1000;
/** Longest filter text kept (longer input is cut). */
export const MAX_QUERY_CHARS = 200;

/** The table state a link carries. */
export interface TableQuery {
  q: string;
  status: StatusFilter;
  sort: SortKey;
  desc: boolean;
  /** 1-based. */
  page: number;
  per: number;
}

/** The state of a bare `/`. */
export const DEFAULT_QUERY: TableQuery = {
  q: "",
  status: "all",
  sort: "status",
  desc: false,
  page: 1,
  per: DEFAULT_PER_PAGE,
};

const oneOf = <T extends string>(list: readonly T[], v: string | null, d: T): T =>
  list.includes(v as T) ? v as T : d;

const intIn = (v: string | null, min: number, max: number, d: number): number => {
  if (v === null || !/^\d{1,9}$/.test(v)) return d;
  return Math.min(max, Math.max(min, Number(v)));
};

/** Parses the query string of `/` (or of its JSON parts). */
export function parseTableQuery(params: URLSearchParams): TableQuery {
  return {
    q: (params.get("q") ?? "").trim().slice(0, MAX_QUERY_CHARS),
    status: oneOf(STATUS_FILTERS, params.get("status"), DEFAULT_QUERY.status),
    sort: oneOf(SORT_KEYS, params.get("sort"), DEFAULT_QUERY.sort),
    desc: params.get("order") === "desc",
    page: intIn(params.get("page"), 1, 1e9, 1),
    per: intIn(params.get("per"), 1, MAX_PER_PAGE, DEFAULT_PER_PAGE),
  };
}

/** `?…` for `query` with `change` applied; values at their default are left out. */
export function tableSearch(query: TableQuery, change: Partial<TableQuery> = {}): string {
  const s = { ...query, ...change };
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  if (s.status !== DEFAULT_QUERY.status) p.set("status", s.status);
  if (s.sort !== DEFAULT_QUERY.sort) p.set("sort", s.sort);
  if (s.desc) p.set("order", "desc");
  if (s.page !== 1) p.set("page", String(s.page));
  if (s.per !== DEFAULT_PER_PAGE) p.set("per", String(s.per));
  const text = p.toString();
  return text ? `?${text}` : "?";
}
