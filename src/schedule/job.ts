/**
 * @module Targets × probe modules → job definitions (pure). A job's `version` captures every
 * setting that matters, so a reload that changes nothing about a job leaves it untouched.
 */
import type { Config, ModuleOf, ProbeModule, ProbeType } from "../config/schema.ts";
import type { Target } from "../targets/types.ts";
import { type Address, parseAddress } from "../net/address.ts";
import { httpTarget, looksLikeUrl } from "../net/target_url.ts";
import { runSync, STEP_ITEMS, type Steps } from "../base/slices.ts";
import { jobKey } from "../base/job_key.ts";
import { BuiltJob } from "./built_job.ts";

/** One scheduled (target, probe module) pair, as a probe of type `T` sees it. */
export interface ProbeJob<T extends ProbeType = ProbeType> {
  /** The address as the source wrote it (`host`, `host:port`, `[v6]:port`). */
  target: string;
  /** Host part: a name, an IPv4 or an IPv6 address (no brackets). */
  host: string;
  /** Port from the address, else from the module, else undefined. */
  port?: number;
  /** Module name from the config. */
  probe: string;
  type: T;
  /** Milliseconds one attempt may take, at most. */
  timeoutMs: number;
  /** `ip4`, `ip6` or `auto` (prefer IPv4 when a name has both). */
  ipProtocol: "ip4" | "ip6" | "auto";
  /** The module's options, as validated by the config schema. */
  options: ModuleOf<T>;
}

/** Everything needed to schedule and run one (target, probe module) pair. */
export interface JobDef {
  /** {@linkcode jobKey} of the pair: the identity every later stage keys its state by. */
  key: string;
  job: ProbeJob;
  intervalMs: number;
  jitter: number;
  retries: number;
  labels: Record<string, string>;
  /** The `job` label: the source's `job`, else the module's, else the module name. */
  jobName: string;
  version: string;
}

/** A target that could not become a job. */
export interface RejectedTarget {
  target: string;
  probe: string;
  reason: "bad_address" | "unknown_probe" | "no_port";
  detail: string;
}

/**
 * Builds the job list. Labels: agent labels, then `metrics.labels`, then the target's own
 * (source and group) labels — the more specific wins. A port in the address wins over the
 * module's `port`.
 */
export function buildJobs(
  targets: readonly Target[],
  config: Config,
): BuiltJobs {
  return runSync(buildJobSteps(targets, config));
}

/** The jobs built from targets, and the (target, probe) pairs that could not become one. */
export interface BuiltJobs {
  jobs: JobDef[];
  rejected: RejectedTarget[];
}

/** The merged labels of one target labels object, and the last version text built with them. */
interface LabelShare {
  labels: Record<string, string>;
  sourceJob: string | undefined;
  /** `probe\nport` of {@linkcode LabelShare.version}, "" before the first. */
  versionKey: string;
  version: string;
}

/** The version text of a job: every setting that matters, in one JSON array. */
function versionText(
  moduleText: string,
  port: number | undefined,
  labels: unknown,
  jobName: string,
  timing: { intervalMs: number; jitter: number; retries: number; timeoutMs: number },
  ipProtocol: ProbeJob["ipProtocol"],
): string {
  const { intervalMs, jitter, retries, timeoutMs } = timing;
  return JSON.stringify([
    moduleText,
    port,
    labels,
    jobName,
    intervalMs,
    jitter,
    retries,
    timeoutMs,
    ipProtocol,
  ]);
}

/** {@linkcode buildJobs} as steps (a `yield` every few hundred targets). */
export function* buildJobSteps(targets: readonly Target[], config: Config): Steps<BuiltJobs> {
  let n = 0;
  const jobs: JobDef[] = [];
  const rejected: RejectedTarget[] = [];
  const base = { ...config.agent.labels, ...config.metrics.labels };
  // One JSON text per probe module, not one per job (200,000 jobs: 200,000 fewer big strings).
  const modules = new Map<string, string>();
  const moduleJson = (name: string, module: ProbeModule) => {
    let json = modules.get(name);
    if (json === undefined) modules.set(name, json = JSON.stringify(module));
    return json;
  };
  // Targets of one group share a labels object (merge.ts), so their jobs share the merged labels
  // and, per (probe, port), the version text: 200,000 jobs, ~400 → ~200 B each.
  const shares = new Map<Readonly<Record<string, string>>, LabelShare>();
  const shareOf = (own: Readonly<Record<string, string>>) => {
    let share = shares.get(own);
    if (!share) {
      const { job: sourceJob, ...labels } = { ...base, ...own };
      shares.set(own, share = { labels, sourceJob, versionKey: "", version: "" });
    }
    return share;
  };
  for (const t of targets) {
    if (++n % STEP_ITEMS === 0) yield;
    let addr: Address;
    const isUrl = looksLikeUrl(t.address);
    try {
      // A URL target (type http only) probes its host and port.
      if (isUrl) {
        const u = httpTarget(t.address);
        addr = { host: u.host, port: u.port };
      } else addr = parseAddress(t.address);
    } catch (e) {
      for (const probe of t.probes) {
        rejected.push({
          target: t.address,
          probe,
          reason: "bad_address",
          detail: (e as Error).message,
        });
      }
      continue;
    }
    for (const probe of t.probes) {
      const module: ProbeModule | undefined = config.probes[probe];
      if (!module) {
        rejected.push({
          target: t.address,
          probe,
          reason: "unknown_probe",
          detail: `no probe module "${probe}"`,
        });
        continue;
      }
      if (isUrl && module.type !== "http") {
        rejected.push({
          target: t.address,
          probe,
          reason: "bad_address",
          detail: `a URL target fits only type http probe modules, not "${probe}" (${module.type})`,
        });
        continue;
      }
      const port = addr.port ?? ("port" in module ? module.port : undefined) ??
        (module.type === "http" ? 80 : module.type === "dns" ? 53 : undefined);
      const portless = module.type === "icmp" || module.type === "path";
      if (!portless && port === undefined) {
        rejected.push({
          target: t.address,
          probe,
          reason: "no_port",
          detail: `target "${t.address}" has no port and probe module "${probe}" sets none`,
        });
        continue;
      }
      const share = shareOf(t.labels);
      const jobName = share.sourceJob ?? module.job ?? probe;
      const protocol = module.ip_protocol ?? config.defaults.ip_protocol;
      const intervalMs = module.interval ?? config.defaults.interval;
      const jitter = module.jitter ?? config.defaults.jitter;
      const retries = module.retries ?? config.defaults.retries;
      const timeoutMs = module.timeout ?? config.defaults.timeout;
      // Plain calls, not closures made per job (two functions and a context per job were ~150 B
      // of garbage each, 2,000,000 jobs: ~300 MB for the young generation to sweep).
      const jobPort = module.type === "icmp" ? undefined : port;
      if (protocol === "both") {
        // One job per family, told apart by the `ip_version` label; IPv4 keeps the plain key.
        for (const ipProtocol of ["ip4", "ip6"] as const) {
          const labels = { ...share.labels, ip_version: ipProtocol === "ip4" ? "4" : "6" };
          const key = jobKey(probe, t.address);
          const part = { target: t.address, host: addr.host, port: jobPort, probe, module };
          jobs.push(
            new BuiltJob({ ...part, timeoutMs, ipProtocol }, {
              key: ipProtocol === "ip6" ? `${key}|ip6` : key,
              intervalMs,
              jitter,
              retries,
              labels,
              jobName,
              version: versionText(moduleJson(probe, module), port, labels, jobName, {
                intervalMs,
                jitter,
                retries,
                timeoutMs,
              }, ipProtocol),
            }),
          );
        }
        continue;
      }
      const { labels } = share;
      const versionKey = `${probe}\n${port}`;
      if (share.versionKey !== versionKey) {
        share.versionKey = versionKey;
        share.version = versionText(moduleJson(probe, module), port, labels, jobName, {
          intervalMs,
          jitter,
          retries,
          timeoutMs,
        }, protocol);
      }
      jobs.push(
        new BuiltJob(
          {
            target: t.address,
            host: addr.host,
            port: jobPort,
            probe,
            module,
            timeoutMs,
            ipProtocol: protocol,
          },
          {
            key: jobKey(probe, t.address),
            intervalMs,
            jitter,
            retries,
            labels,
            jobName,
            version: share.version,
          },
        ),
      );
    }
  }
  return { jobs, rejected };
}

/**
 * The probe job for one address and module, exactly as the scheduler would build it (`/probe`
 * uses it), or why there is none.
 */
export function probeJobFor(
  address: string,
  probe: string,
  config: Config,
): ProbeJob | Omit<RejectedTarget, "target" | "probe"> {
  const built = buildJobs([{ address, labels: {}, probes: [probe], sources: [] }], config);
  const job = built.jobs[0]?.job;
  if (job) return job;
  const r = built.rejected[0]!;
  return { reason: r.reason, detail: r.detail };
}
