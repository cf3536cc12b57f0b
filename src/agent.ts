/**
 * @module The composition root: wires config → targets → scheduler → worker pool → probes →
 * normalizer → (live metrics, last results, WAL → pusher), and the HTTP API beside them.
 */
import { Registry } from "./base/prom.ts";
import type { Config } from "./config/schema.ts";
import { loadConfig } from "./config/load.ts";
import { logger, setupLogging } from "./log.ts";
import { type Clock, systemClock } from "./base/clock.ts";
import { createScheduler } from "./schedule/scheduler.ts";
import { toJobSpec } from "./results/job_runner.ts";
import type { JobDef } from "./schedule/job.ts";
import { createWorkerPool } from "./pool/worker_pool.ts";
import { createProbes } from "./probes/registry.ts";
import { releaseStartupMemory } from "./startup_memory.ts";
import { createSystemResolver } from "./net/dns/system_resolver.ts";
import { createNormalizer } from "./results/normalizer.ts";
import { createLastResults } from "./results/last_results.ts";
import { createRecentRing } from "./results/recent_ring.ts";
import { createProbeMetrics } from "./metrics/probe_metrics.ts";
import { registerSelfMetrics } from "./metrics/self_metrics.ts";
import { registerClusterMetrics } from "./metrics/cluster_metrics.ts";
import { registerProcessMetrics } from "./metrics/process_metrics.ts";
import { closeAll, type Closers, serve } from "./agent_parts.ts";
import { createTargetApplier } from "./agent_targets.ts";
import { createAgentApp } from "./agent_api.ts";
import { pushChanged, startWalAndPush } from "./agent_push.ts";
import { buildSources, buildSourcesSteps } from "./targets/build_sources.ts";
import { runSliced } from "./base/slices.ts";
import { createTargetManager } from "./targets/manager.ts";
import { dirname } from "./base/paths.ts";
import { createReloader, type ReloadResult } from "./config/reloader.ts";
import { VERSION } from "./version.ts";
import type { WebConfig } from "./http/web_config.ts";
import {
  DROPPABLE,
  type Droppable,
  permissionNeeds,
  permissionWants,
  refuseDropped,
} from "./config/permission_needs.ts";
import { dropPermissions, heldPermissions } from "./base/permissions.ts";
import { privilegeNotes, readNetPrivileges } from "./probes/socket/privileges.ts";

/** A running agent. */
export interface Agent {
  /** Re-reads the config file; on error the running config stays. */
  reload(): Promise<{ ok: boolean; error?: string }>;
  /** Graceful stop: no new probes, in-flight ones finish, sinks flush, last push, server closes. */
  stop(): Promise<void>;
  /** Resolves when `stop()` has finished. */
  readonly stopped: Promise<void>;
  readonly port: number;
}

/** Options of {@linkcode startAgent}. */
export interface AgentOptions {
  configPath: string;
  config: Config;
  clock?: Clock;
  /** TLS and basic auth of the HTTP API (`--web.config.file`). */
  web?: WebConfig;
  /** After start, revoke the permissions the config does not need (`run`, `ffi`). */
  dropPermissions?: boolean;
  /**
   * A stop requested while starting (SIGTERM during a long first load of targets): aborts the
   * load at its next slice so `startAgent` returns promptly; the caller then calls `stop()`.
   */
  signal?: AbortSignal;
}

/** Starts the agent on a validated config; a failure part-way closes what had started. */
export async function startAgent(options: AgentOptions): Promise<Agent> {
  const closers: Closers = [];
  const stopController = new AbortController();
  try {
    return await start(options, closers, stopController);
  } catch (e) {
    stopController.abort(new DOMException("agent start failed", "AbortError"));
    await closeAll(closers);
    throw e;
  }
}

async function start(
  options: AgentOptions,
  closers: Closers,
  stopController: AbortController,
): Promise<Agent> {
  const log = logger("agent");
  const clock = options.clock ?? systemClock;
  const startedAt = new Date(clock.wallNow()).toISOString();
  let config = options.config;
  /** Aborted as soon as a stop begins: long loads (config, targets → jobs) end at their next slice. */
  const loading = new AbortController();
  const endLoads = () => loading.abort(new DOMException("agent stopping", "AbortError"));
  let ready = false;
  const registry = new Registry();
  const pool = createWorkerPool({
    concurrency: config.limits.concurrency,
    maxQueue: config.limits.max_queue,
  });
  const self = registerSelfMetrics(registry, { pool: () => pool, version: VERSION });
  registerProcessMetrics(registry);
  const clusterMetrics = registerClusterMetrics(registry);
  self.configLastReloadSuccessful.set(1);
  self.configLastReloadTimestamp.set(clock.wallNow() / 1000);

  const { resolver, client: dns, servers } = createSystemResolver(config.dns, registry);
  const probes = createProbes({ resolver, registry, dns, dnsServers: servers });
  closers.push(() => probes[Symbol.asyncDispose]());

  // The WAL (only with push: or wal:) and a pusher per destination: agent_push.ts.
  const push = await startWalAndPush({ config, registry, clock, closers });
  /** Extra parts of `/api/v1/status`, by key. */
  const statusParts: Record<string, () => unknown> = { ...push.status };

  const probeMetrics = createProbeMetrics({ buckets: config.metrics.buckets });
  const lastResults = createLastResults();
  const { window: windowMs, step: stepMs, results } = config.agent.history;
  const history = createRecentRing({ windowMs, stepMs, results });
  const walSink = push.walSink;
  const normalizer = createNormalizer(
    {
      metrics: probeMetrics,
      last_results: lastResults,
      history,
      ...(walSink ? { wal: walSink } : {}),
    },
    { registry },
  );

  const scheduler = createScheduler({
    clock,
    pool,
    globalRate: config.limits.global_rate,
    perHostRate: config.limits.per_host_rate,
    hooks: self.schedulerHooks,
  });
  const configDir = dirname(options.configPath);
  const targetManager = createTargetManager({
    sources: buildSources(config, { configDir, registry }),
    registry,
    clock,
  });
  /** While a reload swaps the sources, target changes wait for one apply at its end. */
  let reloading = false;

  // One deps object for every job (a job spec keeps a reference to it).
  const runnerDeps = { probes, normalizer, clock, signal: stopController.signal };
  const toSpec = (def: JobDef) => toJobSpec(def, runnerDeps);

  const applier = createTargetApplier({
    config: () => config,
    scheduler,
    toSpec,
    self,
    clusterMetrics,
    probeMetrics,
    lastResults,
    history,
    normalizer,
    walSink,
    clock,
    signal: loading.signal,
  });
  const applyTargets = applier.apply;

  /** Permissions revoked after start; a reload that needs one of them is refused. */
  let dropped: Droppable[] = [];
  const reload = async (): Promise<ReloadResult> => {
    try {
      const next = await loadConfig(options.configPath, loading.signal);
      refuseDropped(next, dropped);
      if (next.agent.listen !== config.agent.listen) {
        log.warn("agent.listen changed to {listen}: it takes effect after a restart", {
          listen: next.agent.listen,
        });
      }
      if (pushChanged(next, config)) {
        log.warn("push changed: it takes effect after a restart");
      }
      const sources = await runSliced(buildSourcesSteps(next, { configDir, registry }), {
        signal: loading.signal,
      });
      config = next;
      await setupLogging(config.agent.log);
      pool.resize(config.limits.concurrency, config.limits.max_queue);
      reloading = true;
      try {
        await targetManager.update(sources);
      } finally {
        reloading = false;
      }
      await applyTargets(targetManager.targets());
      self.configReloads.inc({ result: "success" });
      self.configLastReloadSuccessful.set(1);
      self.configLastReloadTimestamp.set(clock.wallNow() / 1000);
      log.info("Config reloaded from {path}", { path: options.configPath });
      return { ok: true };
    } catch (e) {
      if (loading.signal.aborted) return { ok: false, error: "Cannot reload config: stopping" };
      const error = (e as Error).message;
      self.configReloads.inc({ result: "failure" });
      self.configLastReloadSuccessful.set(0);
      log.error("Cannot reload config, keeping the running one: {error}", { error });
      return { ok: false, error };
    }
  };

  const reloader = createReloader({ configPath: options.configPath, reload, clock });
  statusParts.sources = () => targetManager.sourceStatus();
  /** The last reload as `/api/v1/status` shows it; the start counts as a good one. */
  const lastReload = () => {
    const last = reloader.last();
    return last
      ? { time: last.at, ok: last.ok, error: last.error }
      : { time: startedAt, ok: true, error: undefined };
  };

  statusParts.permissions = () => ({ held: heldPermissions(), dropped });
  // What needs CAP_NET_RAW, what falls back without it: logged once, shown for the running config.
  // Only a config whose probes open our own sockets (it needs ffi) loads the C library for it.
  const privileges = permissionNeeds(config).has("ffi") ? readNetPrivileges() : undefined;
  for (const note of privileges ? privilegeNotes(privileges, config) : []) {
    if (note.level === "warning") log.warn(note.text);
    else log.info(note.text);
  }
  statusParts.privileges = () =>
    privileges ? { ...privileges, notes: privilegeNotes(privileges, config) } : null;
  statusParts.web = () => ({
    file: options.web?.file,
    tls: !!options.web?.tls,
    basic_auth: !!options.web?.users.size,
  });
  const app = createAgentApp({
    config: () => config,
    configPath: options.configPath,
    ready: () => ready,
    lastReload,
    reload: () => reloader.trigger("api"),
    statusParts,
    applier,
    registry,
    probeMetrics,
    lastResults,
    history,
    probes,
    self,
    clock,
    ...(options.web ? { web: options.web } : {}),
  });

  const server = await serve(app, config.agent.listen, options.web?.tls);
  // First registered, so it closes last: the API answers until everything else has stopped.
  closers.unshift(async () => await server[Symbol.asyncDispose]());
  const address = `${
    server.hostname.includes(":") ? `[${server.hostname}]` : server.hostname
  }:${server.port}`;
  log.info(`Listening on ${options.web?.tls ? "https" : "http"}://{address}/metrics`, { address });

  const stopWhileStarting = () => {
    endLoads();
    stopController.abort(new DOMException("agent stopping", "AbortError"));
  };
  options.signal?.addEventListener("abort", stopWhileStarting, { once: true });
  if (options.signal?.aborted) stopWhileStarting();
  closers.push(async () => await targetManager[Symbol.asyncDispose]());
  await targetManager.start(stopController.signal);
  targetManager.onChange((next) => {
    if (!reloading) void applyTargets(next);
  });
  // Running while the first list is applied (in slices): a job added early in a 200,000-target
  // list falls due before the last is added, and waited for the whole apply (lag p99 ~2.4 s).
  // Stopped (not waited for: stop() bounds the wait for in-flight probes) if starting fails.
  closers.push(() => {
    void scheduler.stop();
    return Promise.resolve();
  });
  scheduler.start();
  await applyTargets(targetManager.targets());
  options.signal?.removeEventListener("abort", stopWhileStarting);
  closers.push(async () => await reloader[Symbol.asyncDispose]());
  await reloader.start();
  const released = releaseStartupMemory();
  log.debug(
    "Released start-up memory: V8 heap {before} -> {after} MB in {ms} ms (collected: {collected})",
    {
      before: (released.heapBefore / 2 ** 20).toFixed(1),
      after: (released.heapAfter / 2 ** 20).toFixed(1),
      ms: released.ms.toFixed(1),
      collected: released.collected,
    },
  );
  if (options.dropPermissions) {
    const needs = permissionNeeds(config);
    const wants = permissionWants(config);
    dropped = await dropPermissions(
      DROPPABLE.filter((n) => !needs.has(n) && !wants.has(n)),
    ) as Droppable[];
    if (dropped.length > 0) {
      log.info("Dropped permissions the config does not need: {dropped}", {
        dropped: dropped.join(", "),
      });
    }
  }
  ready = true;
  log.info("vmprober {version} started", { version: VERSION, config: options.configPath });

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      ready = false;
      endLoads();
      log.info("Stopping: waiting for in-flight probes");
      const drained = scheduler.stop();
      const maxTimeout = applier.jobs.reduce(
        (m, j) => Math.max(m, j.job.timeoutMs),
        config.defaults.timeout,
      );
      const timer = new AbortController();
      const timeout = clock.sleep(maxTimeout + 1000, timer.signal).catch(() => {});
      await Promise.race([drained, timeout]);
      timer.abort();
      stopController.abort(new DOMException("agent stopping", "AbortError"));
      await closeAll(closers);
      log.info("Stopped");
      resolveStopped();
    })();

  return {
    reload: () => reloader.trigger("manual"),
    stop,
    stopped,
    get port() {
      return server.port;
    },
  };
}
