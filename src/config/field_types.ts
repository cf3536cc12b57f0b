/**
 * @module The field types of the config schema (zod/mini): durations to milliseconds, sizes to
 * bytes, label maps, ports, URLs, names, regular expressions and target addresses, each with the
 * message an operator reads when a value does not fit.
 */
import * as z from "zod/mini";
import { pipe } from "zod/mini";
import { formatDuration, parseDuration, parseSize } from "./units.ts";
import { parseAddress } from "../net/address.ts";
import { looksLikeUrl, urlProblem } from "../net/target_url.ts";
import { describe as shown } from "./issue_message.ts";
import { reservedLabelProblem } from "../base/reserved_labels.ts";
import { compilePeerRegex, type PeerRegex } from "../base/peer_regex.ts";

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MODULE_NAME = /^[a-zA-Z0-9_.-]+$/;
/** Longest duration accepted: timers hold at most 2^31-1 ms (~24.8 days). */
export const MAX_DURATION_MS = 24 * 86_400_000;

/** A whole number in [min, max]. */
export const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.number().check(z.int(), z.gte(min), z.lte(max));
/** A number in [min, max]. */
export const num = (min: number, max: number) => z.number().check(z.gte(min), z.lte(max));
export const positive = (max?: number) =>
  z.number().check(z.gt(0), ...(max === undefined ? [] : [z.lte(max)]));
/** A string of at least `min` characters. */
export const text = (min = 1) => z.string().check(z.minLength(min));

/** A duration text (or a number of seconds) → milliseconds (> 0 unless `allowZero`). */
export const duration = (opts: { allowZero?: boolean } = {}) =>
  pipe(
    z.unknown(),
    z.transform((v, ctx) => {
      const problem = (message: string) => {
        ctx.issues.push({ code: "custom", message, input: v });
        return z.NEVER;
      };
      if (typeof v !== "string" && typeof v !== "number") {
        return problem(`expected a duration like "5s", got ${shown(v)}`);
      }
      const text = String(v).trim();
      let ms: number;
      if (typeof v === "number") ms = v * 1000;
      else if (text.startsWith("-")) ms = -1;
      else {
        try {
          ms = parseDuration(text);
        } catch {
          return problem(`expected a duration like "5s", got ${shown(v)}`);
        }
      }
      if (!Number.isFinite(ms) || ms < 0 || (!opts.allowZero && ms === 0)) {
        return problem(`expected a positive duration like "5s", got ${shown(v)}`);
      }
      if (ms > MAX_DURATION_MS) {
        return problem(
          `expected a duration of at most ${formatDuration(MAX_DURATION_MS)}, got ${shown(v)}`,
        );
      }
      return ms;
    }),
  );

/** A size text (or a number of bytes) → bytes. */
export const size = () =>
  pipe(
    z.unknown(),
    z.transform((v, ctx) => {
      let bytes = NaN;
      try {
        if (typeof v === "number") bytes = v;
        else if (typeof v === "string") bytes = parseSize(v);
      } catch { /* reported below */ }
      if (Number.isSafeInteger(bytes) && bytes > 0) return bytes;
      const message = typeof v === "number" || (Number.isFinite(bytes) && bytes <= 0)
        ? `expected a positive whole number of bytes or a size like "64MiB", got ${shown(v)}`
        : `expected a size like "64MiB", got ${shown(v)}`;
      ctx.issues.push({ code: "custom", message, input: v });
      return z.NEVER;
    }),
  );

/**
 * Prometheus label names → values. Names the agent's own series use (`instance`, `job`, `le`,
 * `phase`, …, see base/reserved_labels.ts) and `__*` are refused.
 */
export const labels = () =>
  z.record(
    z.string().check(
      z.regex(LABEL_NAME, {
        error: (i) =>
          `expected a label name like "site" ([a-zA-Z_][a-zA-Z0-9_]*), got ${shown(i.input)}`,
      }),
      z.refine((n) => reservedLabelProblem(n) === undefined, {
        error: (i) =>
          `expected a label name not used by VMProber's own series, got ${shown(i.input)} (${
            reservedLabelProblem(String(i.input))
          })`,
      }),
    ),
    pipe(
      z.union([z.string(), z.number(), z.boolean()], {
        error: (i) => `expected a label value (a string, number or boolean), got ${shown(i.input)}`,
      }),
      z.transform(String),
    ),
  );

const portError = {
  error: (i: { input?: unknown }) => `expected a port number 1-65535, got ${shown(i.input)}`,
};
export const port = z.number(portError).check(
  z.int(portError),
  z.gte(1, portError),
  z.lte(65535, portError),
);

export const httpUrl = () =>
  z.url({
    protocol: /^https?$/,
    error: (i) => `expected an http:// or https:// URL, got ${shown(i.input)}`,
  });

/** A `job` label value: non-empty text. */
export const jobName = () =>
  z.string().check(
    z.minLength(1, { error: () => "expected a job name, got an empty string" }),
    z.maxLength(1024),
  );

export const moduleName = (what: string) =>
  z.string().check(z.regex(MODULE_NAME, {
    error: (i) => `expected a ${what} of letters, digits, "_", "." and "-", got ${shown(i.input)}`,
  }));
export const ipProtocol = z.enum(["ip4", "ip6", "auto", "both"]);

/** A pattern for peer data (RE2 syntax, linear-time matching) → its compiled {@linkcode PeerRegex}. */
export const regex = pipe(
  z.string(),
  z.transform((s, ctx): PeerRegex => {
    try {
      return compilePeerRegex(s);
    } catch (e) {
      ctx.issues.push({
        code: "custom",
        message: `expected an RE2 regular expression, got ${shown(s)} (${(e as Error).message})`,
        input: s,
      });
      return z.NEVER;
    }
  }),
);

export const address = z.string().check(z.superRefine((text, ctx) => {
  if (looksLikeUrl(text)) {
    const why = urlProblem(text);
    if (why) {
      ctx.addIssue({
        code: "custom",
        message: `expected an http:// or https:// URL target, got ${shown(text)} (${why})`,
      });
    }
    return;
  }
  try {
    parseAddress(text);
  } catch (e) {
    const why = (e as Error).cause ?? (e as Error).message;
    ctx.addIssue({
      code: "custom",
      message: `expected a target address like "host", "host:port" or "[::1]:22", got ${
        shown(text)
      } (${why})`,
    });
  }
}));
