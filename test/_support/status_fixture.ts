/**
 * @module A status page over made-up agent state, for route tests and the render benchmark:
 * `n` jobs (every 10th ICMP, the rest TCP; every 7th down), their last results and a history
 * ring filled for the whole window, mounted on the real hono app.
 */
import { Hono } from "hono";
import { Registry } from "../../src/base/prom.ts";
import { jobKey } from "../../src/base/job_key.ts";
import { createLastResults } from "../../src/results/last_results.ts";
import { createRecentRing, type RecentRing } from "../../src/results/recent_ring.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { createApp } from "../../src/http/app.ts";
import type { JobInfo, TargetInfo } from "../../src/http/status/target_rows.ts";
import { mountStatusPage, type StatusPageDeps } from "../../src/http/status/status_page.tsx";

/** Fixed wall clock of the fixture (a multiple of every step). */
export const NOW = 1_767_225_600_000;

/** Options of {@linkcode statusFixture}. */
export interface FixtureOptions {
  jobs: number;
  /** Fill the history window with one run per step (default true). */
  fill?: boolean;
  status?: Record<string, unknown>;
  labels?: Record<string, string>;
  /** Extra labels on target 0 (hostile-text tests). */
  firstLabels?: Record<string, string>;
  /** Jobs 0..pending-1 have no result yet. */
  pending?: number;
}

/** The app plus what it reads. */
export interface StatusFixture {
  app: Hono;
  ring: RecentRing;
  deps: StatusPageDeps;
  write(records: ResultRecord[]): void;
}

function record(i: number, t: number): ResultRecord {
  const icmp = i % 10 === 0;
  const down = i % 7 === 3;
  const rtt = 0.0005 + (i % 13) * 0.0001 + ((t / 60_000) % 5) * 0.00002;
  const target = icmp ? `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` : `host-${i}.example:443`;
  const probe = icmp ? "icmp" : "tcp_https";
  const base = {
    key: jobKey(probe, target),
    timestampMs: t,
    target,
    probe,
    type: icmp ? "icmp" as const : "tcp" as const,
    labels: {},
    attempts: 1,
  };
  if (down) {
    return {
      ...base,
      success: false,
      durationSeconds: 5,
      reason: "timeout",
      detail: "no reply in 5s",
    };
  }
  if (!icmp) return { ...base, success: true, durationSeconds: rtt };
  const received = i % 20 === 10 ? 2 : 3;
  return {
    ...base,
    success: true,
    durationSeconds: 0.2 + rtt,
    icmp: {
      sent: 3,
      received,
      lossRatio: 1 - received / 3,
      rttsSeconds: [rtt, rtt * 1.2],
      minSeconds: rtt * 0.8,
      avgSeconds: rtt,
      medianSeconds: rtt,
      maxSeconds: rtt * 1.6,
      stddevSeconds: rtt * 0.1,
    },
  };
}

/** Builds the fixture. */
export function statusFixture(options: FixtureOptions): StatusFixture {
  const shape = { windowMs: 3_600_000, stepMs: 60_000, results: 10 };
  const ring = createRecentRing(shape);
  const last = createLastResults();
  const jobs: JobInfo[] = [], targets: TargetInfo[] = [];
  for (let i = 0; i < options.jobs; i++) {
    const r = record(i, NOW);
    jobs.push({
      key: r.key,
      job: { target: r.target, probe: r.probe, type: r.type },
    });
    targets.push({
      address: r.target,
      sources: [i % 3 === 0 ? "file_sd" : "static_0"],
      labels: {
        site: `dc${i % 4}`,
        role: r.type === "icmp" ? "router" : "web",
        ...(i === 0 ? options.firstLabels : {}),
      },
    });
  }
  const write = (records: ResultRecord[]) => {
    ring.write(records);
    last.write(records);
  };
  const pending = options.pending ?? 0;
  const steps = options.fill === false ? [0] : Array.from({ length: 60 }, (_, k) => 59 - k);
  for (const k of steps) {
    const batch: ResultRecord[] = [];
    for (let i = pending; i < options.jobs; i++) batch.push(record(i, NOW - k * 60_000));
    write(batch);
  }
  const deps: StatusPageDeps = {
    jobs: () => jobs,
    targets: () => targets,
    last,
    ring,
    status: () =>
      options.status ??
        {
          version: "1.2.3",
          commit: "abc",
          ready: true,
          config: {
            path: "/etc/vmprober/vmprober.yaml",
            last_reload: { time: new Date(NOW - 60_000).toISOString(), ok: true },
          },
        },
    labels: () => options.labels ?? { site: "fra1" },
    walMaxBytes: () => 1024 ** 3,
    registry: new Registry(),
    now: () => NOW,
    startedMs: NOW - 3_723_000,
  };
  const app = createApp({
    metrics: () => Promise.resolve(""),
    ready: () => true,
    reload: () => Promise.resolve({ ok: true }),
    targets: () => [],
    status: deps.status,
    pages: (a) => mountStatusPage(a, deps),
  });
  return { app, ring, deps, write };
}
