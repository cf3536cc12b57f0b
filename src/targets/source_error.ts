/** @module The one error a target source rejects with: a message plus a `reason` metric label. */

/** Why a source refresh failed; the `reason` label of `vmprober_sd_refresh_failures_total`. */
export type SourceFailureReason =
  | "format"
  | "too_large"
  | "too_many_targets"
  | "timeout"
  | "http_status"
  | "network"
  | "exit_code"
  | "io"
  | "error";

/** Every reason, in a stable order (docs and tests). */
export const SOURCE_FAILURE_REASONS: readonly SourceFailureReason[] = [
  "format",
  "too_large",
  "too_many_targets",
  "timeout",
  "http_status",
  "network",
  "exit_code",
  "io",
  "error",
];

/** A source load that failed for a known reason. The manager catches it to label the counter. */
export class SourceError extends Error {
  /** The metric label. */
  readonly reason: SourceFailureReason;

  /** `message` says what failed and why, e.g. `HTTP 500 from http://…`. */
  constructor(reason: SourceFailureReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SourceError";
    this.reason = reason;
  }
}

/** The reason of any thrown value: a SourceError's own, else `error`. */
export function failureReasonOf(error: unknown): SourceFailureReason {
  return error instanceof SourceError ? error.reason : "error";
}
