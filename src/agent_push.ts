/**
 * @module The push side of the composition root (agent.ts): the WAL sink, and one pusher per
 * `push` destination on the one WAL, each with its own position, loop, backoff and labels.
 *
 * Labels: the `extra_labels` every destination shares (all of them, with one destination) go into
 * the WAL's records as they always have; the rest of each destination's are added as it sends
 * (push/add_labels.ts), so no destination gets another's labels.
 */
import type { Registry } from "./base/prom.ts";
import type { Clock } from "./base/clock.ts";
import type { Config } from "./config/schema.ts";
import { type PushDestination, pushDestinations } from "./config/push_schema.ts";
import { createPusher, type Pusher, type PushStatus } from "./push/pusher.ts";
import { createFamilyBook } from "./results/pushed_families.ts";
import { createWalSink, type WalSink } from "./wal/wal_sink.ts";
import { type Closers, openAgentWal } from "./agent_parts.ts";
import { logger } from "./log.ts";
import { VERSION } from "./version.ts";

const log = logger("agent");

/** Labels that every destination has with the same value (all of them with one destination). */
export function sharedLabels(dests: readonly PushDestination[]): Record<string, string> {
  const [first, ...rest] = dests;
  if (!first) return {};
  return Object.fromEntries(
    Object.entries(first.extra_labels).filter(([k, v]) =>
      rest.every((d) => d.extra_labels[k] === v)
    ),
  );
}

/** `dest`'s labels that are not in `shared`: added as it sends. */
export function ownLabels(
  dest: PushDestination,
  shared: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(Object.entries(dest.extra_labels).filter(([k]) => !(k in shared)));
}

/** Whether two configs differ under `push:` (which takes effect only after a restart). */
export function pushChanged(a: Pick<Config, "push">, b: Pick<Config, "push">): boolean {
  return JSON.stringify(a.push ?? null) !== JSON.stringify(b.push ?? null);
}

/** What {@linkcode startWalAndPush} needs. */
export interface PushWiringOptions {
  config: Config;
  registry: Registry;
  clock: Clock;
  /** Where the WAL's close and the pushers' stop are registered. */
  closers: Closers;
}

/** The running WAL and push side. */
export interface PushWiring {
  /** Where the normalizer writes results (none without a WAL). */
  walSink?: WalSink;
  /** Parts of `/api/v1/status`: `wal`, and with `push:` the first destination (`push`, as with
   * one) and every one (`push_destinations`). */
  status: Record<string, () => unknown>;
}

/**
 * Opens the WAL (with `push:` or `wal:`; none for a pull-only agent) and starts a pusher per
 * destination (their secret files are read first: a missing one fails the start). On stop
 * (closers run last-registered first) the WAL is flushed, then every destination makes its
 * bounded last push at once, then the WAL closes.
 */
export async function startWalAndPush(options: PushWiringOptions): Promise<PushWiring> {
  const { config, registry, clock, closers } = options;
  // Every record reaches disk before anything else can lose it; closing flushes it.
  const wal = await openAgentWal(config, registry, clock);
  if (wal) closers.push(async () => await wal[Symbol.asyncDispose]());
  else log.info("No push: and no wal: section: the WAL is off, nothing is written to disk");
  const status: Record<string, () => unknown> = { wal: () => wal?.stats() ?? null };
  /** Pushed families (fixed ones and probes' gauges as seen): the remote-write metadata. */
  const families = createFamilyBook();
  const dests = pushDestinations(config.push);
  const shared = sharedLabels(dests);
  const walSink = wal ? createWalSink(wal, { extraLabels: shared, registry, families }) : undefined;
  if (!wal || dests.length === 0) return { walSink, status };
  // Compaction waits while every destination pushes fine: a draining backlog is not worth
  // rewriting. It runs while one fails, when its backlog is what fills the disk.
  const failing = new Set<string>();
  const pushers: Pusher[] = dests.map((d) =>
    createPusher({
      wal: wal.destination(d.name),
      config: d,
      clock,
      registry,
      version: VERSION,
      destination: d.name,
      sendLabels: ownLabels(d, shared),
      onHealthChange: (healthy) => {
        if (healthy) failing.delete(d.name);
        else failing.add(d.name);
        wal.holdCompaction(failing.size === 0);
      },
      metadata: families.list,
    })
  );
  const started: Pusher[] = [];
  closers.push(async () => {
    await wal.flush();
    await Promise.all(started.map((p) => p.stop())); // each within its shutdown_timeout
  });
  for (const p of pushers) {
    await p.start();
    started.push(p);
  }
  const all = (): PushStatus[] => pushers.map((p) => p.pushStatus());
  status.push = () => all()[0] ?? null;
  status.push_destinations = all;
  return { walSink, status };
}
