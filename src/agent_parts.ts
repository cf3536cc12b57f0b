/** @module Start-up pieces of the composition root (agent.ts): undo steps, the WAL, the server. */
import type { Registry } from "./base/prom.ts";
import type { Clock } from "./base/clock.ts";
import type { Config } from "./config/schema.ts";
import { walSettings } from "./config/wal_schema.ts";
import { logger } from "./log.ts";
import type { createApp } from "./http/app.ts";
import { type HttpServer, startServer } from "./http/server.ts";
import { openWal } from "./wal/wal.ts";
import { pushDestinations } from "./config/push_schema.ts";
import type { LocalWal } from "./wal/types.ts";

/** Undo steps of what was started, run last-registered first (on stop, or on a failed start). */
export type Closers = (() => Promise<void>)[];

/** Runs every undo step, last registered first; a failing step is logged, the rest still run. */
export async function closeAll(closers: Closers): Promise<void> {
  for (const close of closers.reverse()) {
    try {
      await close();
    } catch (e) {
      logger("agent").error("Cannot close cleanly: {error}", { error: String(e) });
    }
  }
  closers.length = 0;
}

/**
 * Opens the WAL the config describes: with a `push:` section or an explicit `wal:` section; none
 * (null) otherwise, so that a pull-only agent writes nothing to disk.
 */
export async function openAgentWal(
  config: Config,
  registry: Registry,
  clock: Clock,
): Promise<LocalWal | null> {
  const settings = walSettings(config);
  if (!settings) return null;
  return await openWal({
    dir: settings.dir,
    segmentSize: settings.segment_size,
    maxSize: settings.max_size,
    fsync: settings.fsync,
    fsyncIntervalMs: settings.fsync_interval,
    compact: settings.compact,
    // With a pusher, compaction waits until pushing fails (see holdCompaction below).
    compactHeld: config.push !== undefined,
    destinations: pushDestinations(config.push).map((d) => d.name),
    registry,
    clock,
  });
}

/** Serves the API on `listen`; the error names the address. */
export async function serve(
  app: ReturnType<typeof createApp>,
  listen: string,
  tls?: { cert: string; key: string },
): Promise<HttpServer> {
  try {
    return await startServer(app, listen, tls);
  } catch (e) {
    throw new Error(`Cannot listen on ${listen}: ${(e as Error).message}`);
  }
}
