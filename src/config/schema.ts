/**
 * @module The config schema (zod, strict: unknown keys are errors). Durations are parsed to
 * milliseconds and sizes to bytes, so the rest of the agent sees numbers.
 *
 * Written with `zod/mini`, the tree-shakable form of zod: the classic build brings every locale
 * and JSON-schema converter into the bundle, ~430 KB of code and ~5 MB of resident memory for
 * nothing. The issues (and so every message an operator reads) are the same.
 */
import * as z from "zod/mini";
import { _default as withDefault, optional, prefault } from "zod/mini";
import en from "zod/v4/locales/en.js";
import { describe as shown } from "./issue_message.ts";
import {
  duration,
  int,
  ipProtocol,
  labels,
  moduleName,
  num,
  positive,
  text,
} from "./field_types.ts";
import { historySchema } from "./history_schema.ts";
import { templateProblem } from "./url_template.ts";
import { pushProblems, pushSection } from "./push_schema.ts";
import { SOURCE_KINDS, targetSource } from "./source_schema.ts";
import { tcpProbe } from "./tcp_schema.ts";
import { udpProbe } from "./udp_schema.ts";
import { icmpProbe } from "./icmp_schema.ts";
import { httpProbe } from "./http_schema.ts";
import { dnsProbe, dnsSection } from "./dns_schema.ts";
import { pathProbe } from "./path_schema.ts";
import { walSection } from "./wal_schema.ts";

z.config(en()); // zod's English messages for the few issues our own messages do not cover

/** One probe module: `{type: tcp|udp|icmp|http|dns|path, ...}`. */
export const probeModule = z.discriminatedUnion("type", [
  tcpProbe,
  udpProbe,
  icmpProbe,
  httpProbe,
  dnsProbe,
  pathProbe,
]);

/** The whole config file. */
export const configSchema = z.strictObject({
  agent: prefault(
    z.strictObject({
      listen: withDefault(
        z.string().check(
          z.regex(/^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9.-]*):\d{1,5}$/, {
            error: (i) => `expected host:port like "127.0.0.1:9109", got ${shown(i.input)}`,
          }),
          z.refine((l) => Number(l.slice(l.lastIndexOf(":") + 1)) <= 65535, {
            error: (i) => `expected a port number 0-65535 in host:port, got ${shown(i.input)}`,
          }),
        ),
        "127.0.0.1:9109",
      ),
      labels: withDefault(labels(), {}),
      /** The web config (TLS, basic auth); relative to this file's folder. */
      web_config_file: optional(text()),
      /** `GET /probe` requests served at once; more get 503. */
      probe_concurrency: withDefault(int(1, 10_000), 32),
      /** `/metrics` answers sent at once; more get 503 with Retry-After. */
      max_scrapes: withDefault(int(1, 1000), 4),
      /** Longest time to send one `/metrics` answer; a client that reads slower is cut off. */
      scrape_timeout: withDefault(duration(), 30_000),
      history: historySchema,
      log: prefault(
        z.strictObject({
          level: withDefault(z.enum(["debug", "info", "warning", "error"]), "info"),
          format: withDefault(z.enum(["json", "text"]), "json"),
        }),
        {},
      ),
    }),
    {},
  ),
  defaults: prefault(
    z.strictObject({
      interval: withDefault(duration(), 15_000),
      timeout: withDefault(duration(), 5_000),
      retries: withDefault(int(0, 10), 0),
      jitter: withDefault(num(0, 1), 1),
      ip_protocol: withDefault(ipProtocol, "auto"),
    }),
    {},
  ),
  limits: prefault(
    z.strictObject({
      concurrency: withDefault(int(1, 100_000), 512),
      global_rate: withDefault(positive(1_000_000), 2000),
      per_host_rate: withDefault(positive(1_000_000), 20),
      max_queue: withDefault(int(1), 100_000),
    }),
    {},
  ),
  probes: z.record(moduleName("probe module name"), probeModule).check(
    z.refine((p) => Object.keys(p).length > 0, {
      message: "expected at least one probe module, got none",
    }),
  ),
  targets: withDefault(z.array(targetSource), []),
  dns: withDefault(dnsSection, {}),
  metrics: prefault(
    z.strictObject({
      buckets: withDefault(
        z.array(positive()).check(
          z.minLength(1),
          z.refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]!), {
            error: (i) => `expected increasing bucket bounds, got [${String(i.input)}]`,
          }),
        ),
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      ),
      labels: withDefault(labels(), {}),
    }),
    {},
  ),
  // Absent: a WAL with these defaults only when there is a `push:` section (see walSettings).
  wal: optional(walSection),
  cluster: optional(z.strictObject({
    members: int(1, 1000),
    member: int(0, 999),
    replication: withDefault(int(1, 1000), 1),
  })),
  // One destination (a mapping) or several (a list): see push_schema.ts.
  push: optional(pushSection),
}).check(z.superRefine((c, ctx) => {
  for (const p of pushProblems(c.push)) {
    ctx.addIssue({ code: "custom", path: ["push", ...p.path], message: p.message });
  }
  if (c.cluster && c.cluster.member >= c.cluster.members) {
    ctx.addIssue({
      code: "custom",
      path: ["cluster", "member"],
      message: `expected a member index 0-${
        c.cluster.members - 1
      } (members: ${c.cluster.members}), got ${c.cluster.member}`,
    });
  }
  if (c.cluster && c.cluster.replication > c.cluster.members) {
    ctx.addIssue({
      code: "custom",
      path: ["cluster", "replication"],
      message:
        `expected a replication factor 1-${c.cluster.members} (members: ${c.cluster.members}), got ${c.cluster.replication}`,
    });
  }
  const names = new Map<string, number>();
  c.targets.forEach((t, i) => {
    const kind = SOURCE_KINDS.find((k) => t[k] !== undefined);
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
    const problem = t.http && templateProblem(t.http.url, c.agent.labels);
    if (problem) {
      ctx.addIssue({ code: "custom", path: ["targets", i, "http", "url"], message: problem });
    }
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
}));

/** The validated config, durations in ms and sizes in bytes. */
export type Config = z.output<typeof configSchema>;
/** One validated probe module. */
export type ProbeModule = z.output<typeof probeModule>;
/** Probe kinds the agent knows. */
export type ProbeType = ProbeModule["type"];
/** The validated options of a probe module of type `T` (`ModuleOf<"tcp">`: port, send, tls…). */
export type ModuleOf<T extends ProbeType> = Extract<ProbeModule, { type: T }>;
/** One validated target source entry. */
export type TargetSourceConfig = z.output<typeof targetSource>;
