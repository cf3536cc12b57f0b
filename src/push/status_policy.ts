/** @module The one table that turns a push attempt's outcome into ok, retry or drop. */

/** What one POST came to: an HTTP status, or no response at all. */
export type PushOutcome =
  | { kind: "status"; status: number; body: string; retryAfterMs?: number }
  | { kind: "timeout"; message: string }
  | { kind: "network"; message: string };

/** What the pusher does next. */
export type PushVerdict = "ok" | "retry" | "drop";

/**
 * SPEC §11: 2xx → ok (advance the push position); 429, 5xx, timeouts and connection errors →
 * retry with backoff, forever (the WAL holds the data); any other status (other 4xx, and the
 * 1xx/3xx a remote-write endpoint never legitimately answers) → drop the batch and count it.
 *
 * @example
 * ```ts
 * import { classifyOutcome } from "./status_policy.ts";
 * if (classifyOutcome({ kind: "status", status: 429, body: "" }) !== "retry") throw new Error();
 * if (classifyOutcome({ kind: "status", status: 400, body: "" }) !== "drop") throw new Error();
 * ```
 */
export function classifyOutcome(outcome: PushOutcome): PushVerdict {
  if (outcome.kind !== "status") return "retry";
  const s = outcome.status;
  if (s >= 200 && s < 300) return "ok";
  if (s === 429 || (s >= 500 && s < 600)) return "retry";
  return "drop";
}

/**
 * The `status` label of `vmprober_push_requests_total`: the HTTP code (`"204"`), or `"timeout"` /
 * `"network"`. Codes outside 100–599 become `"invalid"` so the label set stays bounded.
 */
export function outcomeLabel(outcome: PushOutcome): string {
  if (outcome.kind !== "status") return outcome.kind;
  const s = outcome.status;
  return Number.isInteger(s) && s >= 100 && s <= 599 ? String(s) : "invalid";
}
