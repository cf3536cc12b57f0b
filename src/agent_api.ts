/**
 * @module The HTTP API of the composition root (agent.ts): `/metrics` through the scrape gate,
 * `/api/v1/status` from its parts, `/api/v1/targets`, `/probe`, reload and the status page.
 */
import type { Registry } from "./base/prom.ts";
import type { Clock } from "./base/clock.ts";
import type { Config } from "./config/schema.ts";
import { walSettings } from "./config/wal_schema.ts";
import { createApp } from "./http/app.ts";
import { createScrapeGate } from "./http/scrape_gate.ts";
import { createSnapshotSource } from "./http/scrape_snapshot.ts";
import { targetsView } from "./http/targets_view.ts";
import { mountStatusPage } from "./http/status/status_page.tsx";
import type { WebConfig } from "./http/web_config.ts";
import { webGuard } from "./http/web_guard.ts";
import type { ProbeMetrics } from "./metrics/probe_metrics.ts";
import type { SelfMetrics } from "./metrics/self_metrics.ts";
import type { ProbeSet } from "./probes/registry.ts";
import type { LastResults } from "./results/last_results.ts";
import { probeNow } from "./results/probe_now.ts";
import type { RecentRing } from "./results/recent_ring.ts";
import type { TargetApplier } from "./agent_targets.ts";
import { COMMIT, VERSION } from "./version.ts";
import { createPageMemory } from "./http/page_memory.ts";

/** What the API reads; getters where the running state changes (reload, readiness). */
export interface AgentApiDeps {
  config: () => Config;
  configPath: string;
  ready: () => boolean;
  /** The last reload as `/api/v1/status` shows it. */
  lastReload: () => unknown;
  reload: () => ReturnType<Parameters<typeof createApp>[0]["reload"]>;
  /** Extra parts of `/api/v1/status`, by key. */
  statusParts: Record<string, () => unknown>;
  applier: TargetApplier;
  registry: Registry;
  probeMetrics: ProbeMetrics;
  lastResults: LastResults;
  history: RecentRing;
  probes: ProbeSet;
  self: SelfMetrics;
  clock: Clock;
  web?: WebConfig;
}

/** The agent's HTTP app; limits (scrapes, probe concurrency) are those of the config at start. */
export function createAgentApp(deps: AgentApiDeps): ReturnType<typeof createApp> {
  const { registry, probeMetrics, applier, clock } = deps;
  const started = deps.config();
  const pageMemory = createPageMemory();
  const scrapes = createScrapeGate({
    snapshots: createSnapshotSource({
      // The self metrics first, then the per-target pieces, made one by one as readers pull.
      render: async () => {
        const head = await registry.metrics();
        return (function* () {
          yield head;
          yield* probeMetrics.chunks();
        })();
      },
      clock,
      onPageStart: pageMemory.pageStarted,
      onPageDone: pageMemory.pageDone,
    }),
    maxConcurrent: started.agent.max_scrapes,
    timeoutMs: started.agent.scrape_timeout,
    clock,
    registry,
  });
  const status = () => {
    const config = deps.config();
    return {
      version: VERSION,
      commit: COMMIT,
      config: { path: deps.configPath, last_reload: deps.lastReload() },
      ready: deps.ready(),
      jobs: applier.jobs.length,
      targets: applier.targets.length,
      cluster: config.cluster
        ? { ...config.cluster, jobs_kept: applier.jobs.length, jobs_skipped: applier.shard.skipped }
        : null,
      ...Object.fromEntries(Object.entries(deps.statusParts).map(([k, f]) => [k, f()])),
    };
  };
  return createApp({
    metrics: () => scrapes.open(),
    ready: deps.ready,
    reload: deps.reload,
    targets: () =>
      targetsView(applier.targets, deps.lastResults, {
        ownersOf: applier.shard.ownersOf,
        member: deps.config().cluster?.member,
      }),
    guard: webGuard(deps.web, registry),
    status,
    probe: {
      run: (req) => probeNow({ config: deps.config, probes: deps.probes, clock }, req),
      maxConcurrent: started.agent.probe_concurrency,
      onRefused: (reason) => deps.self.probeRequestsRefused.inc({ reason }),
    },
    pages: (app) =>
      mountStatusPage(app, {
        jobs: () => applier.jobs,
        targets: () => applier.targets,
        last: deps.lastResults,
        ring: deps.history,
        status,
        labels: () => deps.config().agent.labels,
        walMaxBytes: () => walSettings(deps.config())?.max_size ?? 0,
        registry,
      }),
  });
}
