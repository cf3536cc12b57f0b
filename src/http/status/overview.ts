/**
 * @module The status page's overview cards (pure): agent, config, targets, ICMP helper, WAL and
 * push, each with a level (ok, warn, error, or off when not in use), read from the same status
 * object `/api/v1/status` serves. A part missing from it shows as off, never as a crash.
 */
import { formatAgo, formatBytes, formatCount, formatSpan } from "./format.ts";
import type { RowStatus } from "./target_rows.ts";

/** A card's colour. */
export type Level = "ok" | "warn" | "error" | "off";

/** One overview card: a headline value plus detail lines. */
export interface Card {
  id: string;
  title: string;
  level: Level;
  value: string;
  lines: [string, string][];
  /** Label chips (agent card only). */
  chips?: [string, string][];
}

/** What the overview reads. */
export interface OverviewInput {
  /** The `/api/v1/status` object. */
  status: Record<string, unknown>;
  labels: Readonly<Record<string, string>>;
  /** `vmprober_icmp_helper_info` series: helper and family. */
  icmpHelpers: { helper: string; family: string }[];
  walMaxBytes: number;
  startedMs: number;
  nowMs: number;
  counts: Record<RowStatus, number>;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? v as Obj : undefined;
const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
/** Consecutive push failures from which the push card turns red. */
export const PUSH_ERROR_FAILURES = 5;
/** Share of `wal.max_size` from which the WAL card turns yellow. */
export const WAL_WARN_SHARE = 0.8;

/** Builds the cards. */
export function overviewCards(input: OverviewInput): Card[] {
  const { status, nowMs } = input;
  return [
    agentCard(input),
    configCard(obj(status.config), nowMs),
    targetsCard(input),
    icmpCard(input.icmpHelpers),
    walCard(obj(status.wal), input.walMaxBytes),
    ...pushCards(status, nowMs),
  ];
}

/** One push card; with several destinations one each, titled by destination name. */
function pushCards(status: Obj, nowMs: number): Card[] {
  const all = Array.isArray(status.push_destinations) ? status.push_destinations : [];
  if (all.length < 2) return [pushCard(obj(status.push), nowMs)];
  return all.map((d, i) => {
    const card = pushCard(obj(d), nowMs);
    const name = str(obj(d)?.name) ?? String(i);
    return { ...card, id: `push-${i}`, title: `Push ${name}` };
  });
}

function agentCard(input: OverviewInput): Card {
  const s = input.status;
  const commit = str(s.commit);
  return {
    id: "agent",
    title: "Agent",
    level: s.ready === false ? "warn" : "ok",
    value: `vmprober ${str(s.version) ?? "?"}`,
    lines: [
      ["uptime", formatSpan(input.nowMs - input.startedMs)],
      ...(commit ? [["commit", commit] as [string, string]] : []),
      ["ready", s.ready === false ? "no" : "yes"],
      ...clusterLine(obj(s.cluster)),
    ],
    chips: Object.entries(input.labels),
  };
}

/** `member 1 of 3, replication 2: 667 jobs here, 333 on others`, when targets are shared. */
function clusterLine(c: Obj | undefined): [string, string][] {
  if (!c) return [];
  const [member, members, r] = [num(c.member), num(c.members), num(c.replication)];
  const [kept, skipped] = [num(c.jobs_kept), num(c.jobs_skipped)];
  return [[
    "cluster",
    `member ${member} of ${members}, replication ${r}: ${kept} jobs here, ${skipped} on others`,
  ]];
}

function configCard(config: Obj | undefined, nowMs: number): Card {
  const last = obj(config?.last_reload);
  const time = str(last?.time);
  const ok = last?.ok !== false;
  const lines: [string, string][] = [["file", str(config?.path) ?? "?"]];
  if (time) {
    lines.push(["last reload", `${ok ? "ok" : "failed"}, ${formatAgo(Date.parse(time), nowMs)}`]);
  }
  if (!ok) lines.push(["error", str(last?.error) ?? "?"], ["running", "the previous config"]);
  return {
    id: "config",
    title: "Config",
    level: ok ? "ok" : "error",
    value: ok ? "loaded" : "reload failed",
    lines,
  };
}

function targetsCard(input: OverviewInput): Card {
  const { up, down, pending } = input.counts;
  const sources = Array.isArray(input.status.sources) ? input.status.sources.map(obj) : [];
  const failing = sources.filter((s) => s?.state === "failing");
  const lines: [string, string][] = [
    ["up / down / pending", `${formatCount(up)} / ${formatCount(down)} / ${formatCount(pending)}`],
    ["sources", `${sources.length}${failing.length ? `, ${failing.length} failing` : ", all ok"}`],
  ];
  for (const s of failing.slice(0, 3)) {
    lines.push([`${str(s?.name)}`, str(s?.lastError) ?? "failing"]);
  }
  return {
    id: "targets",
    title: "Targets",
    level: failing.length > 0 ? "error" : down > 0 ? "warn" : "ok",
    value: `${formatCount(up + down + pending)} jobs`,
    lines,
  };
}

function icmpCard(helpers: { helper: string; family: string }[]): Card {
  if (helpers.length === 0) {
    return {
      id: "icmp",
      title: "ICMP helper",
      level: "off",
      value: "not in use",
      lines: [["", "no ICMP target loaded"]],
    };
  }
  const names = [...new Set(helpers.map((h) => h.helper))];
  const lines = helpers.map((h) => [`IPv${h.family}`, h.helper] as [string, string]);
  const fallback = names.includes("ping");
  if (fallback) lines.push(["note", "system ping fallback: no in-process socket"]);
  return {
    id: "icmp",
    title: "ICMP helper",
    level: fallback ? "warn" : "ok",
    value: names.join(" + "),
    lines,
  };
}

function walCard(wal: Obj | undefined, maxBytes: number): Card {
  if (!wal) return { id: "wal", title: "WAL", level: "off", value: "none", lines: [] };
  const bytes = num(wal.bytes) ?? 0;
  const full = wal.disk_full === true;
  const corrupt = num(wal.corrupt_records) ?? 0;
  const lines: [string, string][] = [
    ["segments", formatCount(num(wal.segments) ?? 0)],
    ["pending samples", formatCount(num(wal.pending_samples) ?? 0)],
    ["disk use", `${formatBytes(bytes)} of ${formatBytes(maxBytes)}`],
  ];
  if (corrupt > 0) lines.push(["corrupt records", formatCount(corrupt)]);
  if (full) lines.push(["disk", "full: appends paused"]);
  const level = full ? "error" : bytes > WAL_WARN_SHARE * maxBytes || corrupt > 0 ? "warn" : "ok";
  return { id: "wal", title: "WAL", level, value: full ? "disk full" : formatBytes(bytes), lines };
}

function pushCard(push: Obj | undefined, nowMs: number): Card {
  if (!push) {
    return {
      id: "push",
      title: "Push",
      level: "off",
      value: "pull only",
      lines: [["", "no push section"]],
    };
  }
  const failures = num(push.consecutive_failures) ?? 0;
  const lastS = num(push.last_success_timestamp_seconds);
  const lines: [string, string][] = [
    ["url", str(push.url) ?? "?"],
    ["last success", formatAgo(lastS === null ? null : lastS * 1000, nowMs)],
    ["backlog", `${formatCount(num(push.backlog_samples) ?? 0)} samples`],
    ["retries in a row", formatCount(failures)],
  ];
  const error = str(push.last_error);
  if (failures > 0 && error) lines.push(["last error", error]);
  // Not green before the first acknowledged push: nothing has been confirmed yet.
  const level = failures >= PUSH_ERROR_FAILURES
    ? "error"
    : failures > 0
    ? "warn"
    : lastS === null
    ? "off"
    : "ok";
  const value = failures > 0 ? "retrying" : lastS === null ? "no push yet" : "healthy";
  return { id: "push", title: "Push", level, value, lines };
}
