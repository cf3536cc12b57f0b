/**
 * @module The config schema (zod, strict: unknown keys are errors). Durations are parsed to
 * milliseconds and sizes to bytes, so the rest of the agent sees numbers.
 */
import { z } from "zod";
import { parseDuration, parseSize } from "./units.ts";

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A duration text → milliseconds (> 0 unless `allowZero`). */
export const duration = (opts: { allowZero?: boolean } = {}) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const text = String(v);
    try {
      const ms = typeof v === "number" ? v * 1000 : parseDuration(text);
      if (ms < 0 || (!opts.allowZero && ms === 0) || !Number.isFinite(ms)) {
        ctx.addIssue({ code: "custom", message: `expected a positive duration, got "${text}"` });
        return z.NEVER;
      }
      return ms;
    } catch {
      ctx.addIssue({ code: "custom", message: `expected a duration like "5s", got "${text}"` });
      return z.NEVER;
    }
  });

/** A size text → bytes. */
export const size = () =>
  z.union([z.string(), z.number().int().positive()]).transform((v, ctx) => {
    try {
      const bytes = typeof v === "number" ? v : parseSize(v);
      if (bytes <= 0) throw new RangeError();
      return bytes;
    } catch {
      ctx.addIssue({ code: "custom", message: `expected a size like "64MiB", got "${v}"` });
      return z.NEVER;
    }
  });

/** Prometheus label names → values. Names `probe`, `type`, `target` and `__*` are reserved. */
export const labels = () =>
  z.record(
    z.string().regex(LABEL_NAME, { message: "expected a label name like [a-zA-Z_][a-zA-Z0-9_]*" })
      .refine((n) => !n.startsWith("__") && !["probe", "type", "target"].includes(n), {
        message: "label name is reserved",
      }),
    z.union([z.string(), z.number(), z.boolean()]).transform(String),
  );

const port = z.number().int().min(1).max(65535);
const ipProtocol = z.enum(["ip4", "ip6", "auto"]);

const probeCommon = {
  interval: duration().optional(),
  timeout: duration().optional(),
  retries: z.number().int().min(0).max(10).optional(),
  jitter: z.number().min(0).max(1).optional(),
  ip_protocol: ipProtocol.optional(),
};

const regex = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, { message: "expected a valid regular expression" });

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
  payload_hex: z.string().regex(/^([0-9a-fA-F]{2})*$/, { message: "expected hex bytes" })
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

const staticSource = z.strictObject({
  targets: z.array(z.string().min(1)).max(100_000),
  labels: labels().optional(),
});
const fileSource = z.strictObject({
  paths: z.array(z.string().min(1)).min(1),
  refresh: duration().optional(),
});
const httpSource = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
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

/** A target source entry: exactly one of `static`, `file`, `http`, `command`, plus `probes`. */
export const targetSource = z.strictObject({
  static: staticSource.optional(),
  file: fileSource.optional(),
  http: httpSource.optional(),
  command: commandSource.optional(),
  name: z.string().regex(/^[a-zA-Z0-9_.-]+$/).optional(),
  labels: labels().optional(),
  probes: z.array(z.string().min(1)).min(1),
}).superRefine((s, ctx) => {
  const kinds = (["static", "file", "http", "command"] as const).filter((k) => s[k] !== undefined);
  if (kinds.length !== 1) {
    ctx.addIssue({
      code: "custom",
      message: kinds.length === 0
        ? "expected one source kind: static, file, http or command"
        : `expected one source kind, got ${kinds.join(" and ")}`,
    });
  }
});

/** The whole config file. */
export const configSchema = z.strictObject({
  agent: z.strictObject({
    listen: z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9.-]*):\d{1,5}$/, {
      message: 'expected host:port like "127.0.0.1:9109"',
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
  probes: z.record(z.string().regex(/^[a-zA-Z0-9_.-]+$/), probeModule).refine(
    (p) => Object.keys(p).length > 0,
    { message: "expected at least one probe module" },
  ),
  targets: z.array(targetSource).default([]),
  metrics: z.strictObject({
    buckets: z.array(z.number().positive()).min(1).refine(
      (b) => b.every((v, i) => i === 0 || v > b[i - 1]!),
      { message: "expected increasing bucket bounds" },
    ).default([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
    labels: labels().default({}),
  }).prefault({}),
  wal: z.strictObject({
    dir: z.string().min(1).default("data/wal"),
    segment_size: size().default(16 * 1024 ** 2),
    max_size: size().default(1024 ** 3),
    fsync: z.enum(["always", "batch", "never"]).default("batch"),
    fsync_interval: duration().default(1000),
  }).prefault({}),
  push: z.strictObject({
    url: z.url({ protocol: /^https?$/ }),
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
          message: `unknown probe module "${p}" (defined: ${Object.keys(c.probes).join(", ")})`,
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
