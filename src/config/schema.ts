/**
 * @module The config schema (zod, strict: unknown keys are errors). Durations are parsed to
 * milliseconds and sizes to bytes, so the rest of the agent sees numbers.
 */
import { z } from "zod";
import { formatDuration, parseDuration, parseSize } from "./units.ts";
import { parseAddress } from "../net/address.ts";
import { describe as shown } from "./issue_message.ts";

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MODULE_NAME = /^[a-zA-Z0-9_.-]+$/;
const RESERVED_LABELS = ["probe", "type", "target"];
/** Longest duration accepted: timers hold at most 2^31-1 ms (~24.8 days). */
export const MAX_DURATION_MS = 24 * 86_400_000;

/** A duration text (or a number of seconds) → milliseconds (> 0 unless `allowZero`). */
export const duration = (opts: { allowZero?: boolean } = {}) =>
  z.unknown().transform((v, ctx) => {
    const problem = (message: string) => {
      ctx.addIssue({ code: "custom", message, input: v });
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
  });

/** A size text (or a number of bytes) → bytes. */
export const size = () =>
  z.unknown().transform((v, ctx) => {
    let bytes = NaN;
    try {
      if (typeof v === "number") bytes = v;
      else if (typeof v === "string") bytes = parseSize(v);
    } catch { /* reported below */ }
    if (Number.isSafeInteger(bytes) && bytes > 0) return bytes;
    const message = typeof v === "number" || (Number.isFinite(bytes) && bytes <= 0)
      ? `expected a positive whole number of bytes or a size like "64MiB", got ${shown(v)}`
      : `expected a size like "64MiB", got ${shown(v)}`;
    ctx.addIssue({ code: "custom", message, input: v });
    return z.NEVER;
  });

/** Prometheus label names → values. Names `probe`, `type`, `target` and `__*` are reserved. */
export const labels = () =>
  z.record(
    z.string().regex(LABEL_NAME, {
      error: (i) =>
        `expected a label name like "site" ([a-zA-Z_][a-zA-Z0-9_]*), got ${shown(i.input)}`,
    }).refine((n) => !n.startsWith("__") && !RESERVED_LABELS.includes(n), {
      error: (i) =>
        `expected a label name other than probe, type, target and __*, got ${shown(i.input)}`,
    }),
    z.union([z.string(), z.number(), z.boolean()], {
      error: (i) => `expected a label value (a string, number or boolean), got ${shown(i.input)}`,
    }).transform(String),
  );

const port = z.number({ error: (i) => `expected a port number 1-65535, got ${shown(i.input)}` })
  .int({ error: (i) => `expected a port number 1-65535, got ${shown(i.input)}` })
  .min(1, { error: (i) => `expected a port number 1-65535, got ${shown(i.input)}` })
  .max(65535, { error: (i) => `expected a port number 1-65535, got ${shown(i.input)}` });

const httpUrl = () =>
  z.url({
    protocol: /^https?$/,
    error: (i) => `expected an http:// or https:// URL, got ${shown(i.input)}`,
  });

const moduleName = (what: string) =>
  z.string().regex(MODULE_NAME, {
    error: (i) => `expected a ${what} of letters, digits, "_", "." and "-", got ${shown(i.input)}`,
  });
const ipProtocol = z.enum(["ip4", "ip6", "auto"]);

const probeCommon = {
  interval: duration().optional(),
  timeout: duration().optional(),
  retries: z.number().int().min(0).max(10).optional(),
  jitter: z.number().min(0).max(1).optional(),
  ip_protocol: ipProtocol.optional(),
};

const regex = z.string().superRefine((s, ctx) => {
  try {
    new RegExp(s);
  } catch (e) {
    const why = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
    ctx.addIssue({
      code: "custom",
      message: `expected a regular expression, got ${shown(s)} (${why.toLowerCase()})`,
    });
  }
});

const tcpProbe = z.strictObject({
  type: z.literal("tcp"),
  ...probeCommon,
  port: port.optional(),
  send: z.string().max(65536).optional(),
  expect: regex.optional(),
  tls: z.boolean().optional(),
  tls_server_name: z.string().optional(),
  tls_insecure_skip_verify: z.boolean().optional(),
});

const udpProbe = z.strictObject({
  type: z.literal("udp"),
  ...probeCommon,
  port: port.optional(),
  payload: z.string().max(65507).optional(),
  payload_hex: z.string().regex(/^([0-9a-fA-F]{2})*$/, {
    error: (i) => `expected hex bytes like "0a1b", got ${shown(i.input)}`,
  })
    .max(2 * 65507).optional(),
  expect: regex.optional(),
});

const icmpProbe = z.strictObject({
  type: z.literal("icmp"),
  ...probeCommon,
  count: z.number().int().min(1).max(100).optional(),
  packet_interval: duration().optional(),
  size: z.number().int().min(0).max(65000).optional(),
  ttl: z.number().int().min(1).max(255).optional(),
  helper: z.enum(["auto", "socket", "ping"]).optional(),
});

/** One probe module: `{type: tcp|udp|icmp, ...}`. */
export const probeModule = z.discriminatedUnion("type", [tcpProbe, udpProbe, icmpProbe]);

const address = z.string().superRefine((text, ctx) => {
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
});

const staticSource = z.strictObject({
  targets: z.array(address).max(100_000),
  labels: labels().optional(),
});
const fileSource = z.strictObject({
  paths: z.array(z.string().min(1)).min(1),
  refresh: duration().optional(),
});
const httpSource = z.strictObject({
  url: httpUrl(),
  refresh: duration().optional(),
  timeout: duration().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  bearer_token_file: z.string().optional(),
  max_bytes: size().optional(),
  max_targets: z.number().int().positive().optional(),
});
const commandSource = z.strictObject({
  run: z.array(z.string()).min(1),
  refresh: duration().optional(),
  timeout: duration().optional(),
  max_bytes: size().optional(),
  max_targets: z.number().int().positive().optional(),
});

const SOURCE_KINDS = ["static", "file", "http", "command"] as const;
const SOURCE_KEYS = [...SOURCE_KINDS, "name", "labels", "probes"];

/** Exactly one source kind per entry, checked before the entry's own keys. */
const oneSourceKind = z.unknown().check((ctx) => {
  const entry = ctx.value;
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return;
  const keys = Object.keys(entry);
  const kinds = keys.filter((k) => (SOURCE_KINDS as readonly string[]).includes(k));
  const unknown = keys.filter((k) => !SOURCE_KEYS.includes(k));
  const expected = "expected one source kind per entry: static, file, http or command";
  if (kinds.length === 0 && unknown.length > 0) {
    ctx.issues.push({
      code: "custom",
      input: entry,
      path: [unknown[0]!],
      params: { at: "key" },
      message: `unknown source kind "${unknown[0]}", ${expected}`,
    });
  } else if (kinds.length === 0) {
    ctx.issues.push({ code: "custom", input: entry, message: `${expected}, got none` });
  } else if (kinds.length > 1) {
    ctx.issues.push({
      code: "custom",
      input: entry,
      path: [kinds[1]!],
      params: { at: "key" },
      message: `${expected}, got ${kinds.join(" and ")}`,
    });
  }
});

/** A target source entry: exactly one of `static`, `file`, `http`, `command`, plus `probes`. */
export const targetSource = oneSourceKind.pipe(z.strictObject({
  static: staticSource.optional(),
  file: fileSource.optional(),
  http: httpSource.optional(),
  command: commandSource.optional(),
  name: moduleName("source name").optional(),
  labels: labels().optional(),
  probes: z.array(z.string().min(1)).min(1),
}));

/** The whole config file. */
export const configSchema = z.strictObject({
  agent: z.strictObject({
    listen: z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9.-]*):\d{1,5}$/, {
      error: (i) => `expected host:port like "127.0.0.1:9109", got ${shown(i.input)}`,
    }).refine((l) => Number(l.slice(l.lastIndexOf(":") + 1)) <= 65535, {
      error: (i) => `expected a port number 0-65535 in host:port, got ${shown(i.input)}`,
    }).default("127.0.0.1:9109"),
    labels: labels().default({}),
    log: z.strictObject({
      level: z.enum(["debug", "info", "warning", "error"]).default("info"),
      format: z.enum(["json", "text"]).default("json"),
    }).prefault({}),
  }).prefault({}),
  defaults: z.strictObject({
    interval: duration().default(15_000),
    timeout: duration().default(5_000),
    retries: z.number().int().min(0).max(10).default(0),
    jitter: z.number().min(0).max(1).default(1),
    ip_protocol: ipProtocol.default("auto"),
  }).prefault({}),
  limits: z.strictObject({
    concurrency: z.number().int().min(1).max(100_000).default(512),
    global_rate: z.number().positive().max(1_000_000).default(2000),
    per_host_rate: z.number().positive().max(1_000_000).default(20),
    max_queue: z.number().int().min(1).default(100_000),
  }).prefault({}),
  probes: z.record(moduleName("probe module name"), probeModule).refine(
    (p) => Object.keys(p).length > 0,
    { message: "expected at least one probe module, got none" },
  ),
  targets: z.array(targetSource).default([]),
  metrics: z.strictObject({
    buckets: z.array(z.number().positive()).min(1).refine(
      (b) => b.every((v, i) => i === 0 || v > b[i - 1]!),
      { error: (i) => `expected increasing bucket bounds, got [${String(i.input)}]` },
    ).default([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
    labels: labels().default({}),
  }).prefault({}),
  wal: z.strictObject({
    dir: z.string().min(1).default("data/wal"),
    segment_size: size().default(16 * 1024 ** 2),
    max_size: size().default(1024 ** 3),
    fsync: z.enum(["always", "batch", "never"]).default("batch"),
    fsync_interval: duration().default(1000),
    compact: z.boolean().default(true),
  }).prefault({}),
  push: z.strictObject({
    url: httpUrl(),
    basic_auth: z.strictObject({
      username: z.string().min(1),
      password_file: z.string().min(1),
    }).optional(),
    bearer_token_file: z.string().min(1).optional(),
    tls_ca_file: z.string().min(1).optional(),
    tls_insecure_skip_verify: z.boolean().default(false),
    batch: z.strictObject({
      max_samples: z.number().int().min(1).default(10_000),
      max_bytes: size().default(4 * 1024 ** 2),
    }).prefault({}),
    max_backoff: duration().default(30_000),
    min_backoff: duration().default(250),
    timeout: duration().default(30_000),
    shutdown_timeout: duration().default(5_000),
    extra_labels: labels().default({}),
  }).optional(),
}).superRefine((c, ctx) => {
  const names = new Map<string, number>();
  c.targets.forEach((t, i) => {
    const kind = (["static", "file", "http", "command"] as const).find((k) => t[k] !== undefined);
    const name = t.name ?? `${kind}_${i}`;
    const first = names.get(name);
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["targets", i, ...(t.name ? ["name"] : [])],
        message: `duplicate source name "${name}" (also targets[${first}])`,
      });
    }
    names.set(name, i);
  });
  c.targets.forEach((t, i) => {
    t.probes.forEach((p, j) => {
      if (!(p in c.probes)) {
        ctx.addIssue({
          code: "custom",
          path: ["targets", i, "probes", j],
          message: `expected a probe module defined under probes (${
            Object.keys(c.probes).join(", ")
          }), got "${p}"`,
        });
      }
    });
  });
});

/** The validated config, durations in ms and sizes in bytes. */
export type Config = z.output<typeof configSchema>;
/** One validated probe module. */
export type ProbeModule = z.output<typeof probeModule>;
/** One validated target source entry. */
export type TargetSourceConfig = z.output<typeof targetSource>;
