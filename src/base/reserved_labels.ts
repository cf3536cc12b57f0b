/**
 * @module Label names operators may not set: the ones every probe series carries already
 * (`instance`, `job`, `probe`, `type`, `target`) and the ones our own series add (`le`, `phase`,
 * `stat`, `result`, the TLS details, …). A label set twice makes promtool fail and Prometheus
 * mark the whole scrape down, so the config refuses them and SD data has them dropped.
 */

/** Names set by the agent on every probe series. */
export const JOB_LABELS: readonly string[] = ["instance", "job", "probe", "type", "target"];

/** Names our own series use beside the job's labels. */
export const SERIES_LABELS: readonly string[] = [
  "le",
  "quantile",
  "phase",
  "stat",
  "result",
  "reason",
  "family",
  "helper",
  "version",
  "fingerprint_sha256",
  "subject",
  "issuer",
  "subjectalternative",
];

const ALL = new Set([...JOB_LABELS, ...SERIES_LABELS]);

/**
 * Why `name` cannot be an operator's label, or undefined when it can.
 *
 * @example
 * ```ts
 * import { reservedLabelProblem } from "./reserved_labels.ts";
 * if (reservedLabelProblem("site") !== undefined) throw new Error();
 * if (!reservedLabelProblem("le")?.includes("histogram")) throw new Error();
 * ```
 */
export function reservedLabelProblem(name: string): string | undefined {
  if (name.startsWith("__")) return "names starting with __ are reserved for internal use";
  if (!ALL.has(name)) return undefined;
  if (name === "job") return "job is set per probe module or source: use their job: key";
  if (name === "instance") return "instance is always the target address";
  if ((JOB_LABELS as readonly string[]).includes(name)) return `${name} is set on every series`;
  return "it labels histogram buckets, ICMP phases and statistics, results or TLS details";
}

/** Every reserved name, for messages. */
export const RESERVED_LABEL_NAMES: readonly string[] = [...ALL];
