/**
 * @module `agent.history`: the shape of the status page's per-job history ring (a window of
 * `step`-wide buckets plus the last `results` results). Memory per job is fixed by it:
 * 12 bytes per bucket + 18 per result + 12 (60 buckets and 10 results by default: 912 bytes).
 */
import * as z from "zod/mini";
import { _default as withDefault, prefault } from "zod/mini";
import { duration, int } from "./field_types.ts";

/** Most buckets a job may keep (a day at one minute). */
export const MAX_HISTORY_BUCKETS = 1440;

/** `agent.history: {window: 1h, step: 1m, results: 10}`. */
export const historySchema = prefault(
  z.strictObject({
    window: withDefault(duration(), 3_600_000),
    step: withDefault(duration(), 60_000),
    results: withDefault(int(0, 100), 10),
  }).check(z.superRefine((h, ctx) => {
    if (h.step < 1000) {
      ctx.addIssue({
        code: "custom",
        path: ["step"],
        message: `expected a step of at least 1s, got ${h.step}ms`,
      });
    } else if (Math.ceil(h.window / h.step) > MAX_HISTORY_BUCKETS) {
      ctx.addIssue({
        code: "custom",
        path: ["window"],
        message: `expected at most ${MAX_HISTORY_BUCKETS} steps in the window, got ${
          Math.ceil(h.window / h.step)
        } (raise step or shorten window)`,
      });
    }
  })),
  {},
);
