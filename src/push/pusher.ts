/**
 * @module The pusher: reads the WAL from the push position, sends batches in order with up to
 * a few requests in flight (never two sharing a series), commits each acknowledged batch in order;
 * delivery with its retries is deliver.ts, health push_health.ts, metadata metadata_loop.ts.
 */
import type { Registry } from "prom-client";
import { logger } from "../log.ts";
import type { Clock } from "../base/clock.ts";
import type { Wal } from "../wal/types.ts";
import { retryDelay } from "./backoff.ts";
import { type Batch, createBatcher } from "./batcher.ts";
import { createPushClient, type PushClient, type PushConfig } from "./client.ts";
import { createPushMetrics } from "./push_metrics.ts";
import { createOrderGate, type GatedBatch } from "./order_gate.ts";
import type { PushedFamily } from "../results/pushed_families.ts";
import { createLabelAdder } from "./add_labels.ts";
import { createPushHealth } from "./push_health.ts";
import { createDeliver, type Delivery } from "./deliver.ts";
import { sendMetadataLoop } from "./metadata_loop.ts";

/** Options of {@linkcode createPusher}. */
export interface PusherOptions {
  wal: Wal;
  /** The validated `push` section. */
  config: PushConfig;
  clock: Clock;
  registry: Registry;
  fetch?: typeof fetch;
  /** For the User-Agent header. */
  version?: string;
  readTextFile?: (path: string) => Promise<string>;
  /** Jitter source, `Math.random` by default. */
  random?: () => number;
  /** Requests in flight while healthy (1 while failing); 2 by default. */
  maxInFlight?: number;
  /**
   * Requests in flight while healthy when the batches are lane batches (batcher.ts), which
   * share no series without any check; 4 by default (as many as the WAL sink's lanes).
   */
  maxLaneInFlight?: number;
  /**
   * Families whose HELP/TYPE metadata is sent at start and every `push.metadata_interval`, in
   * requests of their own (none when omitted).
   */
  metadata?: () => readonly PushedFamily[];
  /** Told when pushing turns unhealthy (first failure) or healthy again (first success after). */
  onHealthChange?: (healthy: boolean) => void;
  /** The `destination` label of the metrics and the name in logs and status ("" by default). */
  destination?: string;
  /**
   * Labels added to each series as it is sent (add_labels.ts), for the `extra_labels` of this
   * destination that are not in the WAL's records; none by default.
   */
  sendLabels?: Readonly<Record<string, string>>;
}

/** Push health for `/api/v1/status` (no secrets: the URL is shown without userinfo). */
export interface PushStatus {
  /** The destination's name (its `destination` label). */
  name: string;
  url: string;
  running: boolean;
  last_success_timestamp_seconds: number | null;
  consecutive_failures: number;
  backlog_samples: number;
  last_error: string | null;
}

/** The running pusher. */
export interface Pusher {
  /** Reads the secret files (throws if one is missing) and starts pushing in the background. */
  start(): Promise<void>;
  /**
   * Stops waiting and backing off, makes one last attempt to push what the WAL holds (several
   * batches while the server keeps answering 2xx, no retries), and gives up after `timeoutMs`
   * (`push.shutdown_timeout` by default). Never throws.
   */
  stop(timeoutMs?: number): Promise<void>;
  pushStatus(): PushStatus;
}

/** `ends` (ascending, repeats side by side) without repeats. */
function distinctEnds(ends: number[]): number[] {
  return ends.filter((end, i) => i === 0 || end !== ends[i - 1]);
}

/** Creates a pusher; nothing happens until `start()`. */
export function createPusher(options: PusherOptions): Pusher {
  const { wal, config, clock } = options;
  const log = logger("push");
  const random = options.random ?? Math.random;
  const maxInFlight = Math.max(1, options.maxInFlight ?? 2);
  const maxLaneInFlight = Math.max(1, options.maxLaneInFlight ?? 4);
  const destination = options.destination ?? "";
  const metrics = createPushMetrics(
    options.registry,
    () => wal.stats().pending_samples,
    destination,
  );
  const adder = createLabelAdder(options.sendLabels ?? {}, {
    onDuplicate: (n) => metrics.sendLabelsDropped.inc({ reason: "duplicate" }, n),
  });
  const soft = new AbortController(); // stop: no more waiting or backing off
  const hard = new AbortController(); // shutdown deadline: abort requests in flight
  let client: PushClient | undefined;
  let loop: Promise<void> | undefined;
  let metadataLoop: Promise<void> = Promise.resolve();
  let stopping = false;
  const health = createPushHealth({
    clock,
    metrics,
    destination,
    backlog: () => wal.stats().pending_samples,
    ...(options.onHealthChange ? { onHealthChange: options.onHealthChange } : {}),
  });
  const deliver = createDeliver({
    config,
    clock,
    client: () => client!,
    metrics,
    health,
    random,
    hard: hard.signal,
    soft: soft.signal,
    stopping: () => stopping,
  });

  /** The batch with this destination's own labels (as it is, without any). */
  function withLabels(batch: Batch): Batch {
    if (!options.sendLabels || Object.keys(options.sendLabels).length === 0) return batch;
    try {
      return { ...batch, body: adder.addToCompressed(batch.body) };
    } catch {
      return batch; // bytes that do not parse: sent as they are, the receiver judges them
    }
  }

  /**
   * The ends of the batches in flight when they were last noted (as `push_sent` holds them): a
   * loop restarted after an error resends them as they were, as after a crash (an acknowledged
   * lane batch stays uncommitted until its range is).
   */
  let noted: number[] = [];

  async function run(): Promise<void> {
    const stops = [...new Set([...(wal.resendStops ?? []), ...noted])].sort((a, b) => a - b);
    const batcher = createBatcher(wal, wal.pushPosition, {
      maxSamples: config.batch.max_samples,
      maxBytes: config.batch.max_bytes,
      stops,
    });
    const window: (GatedBatch & { done: Promise<Delivery> })[] = [];
    const gate = createOrderGate();
    /**
     * A batch read but not sent: it shares a series with a request in flight, so it waits until
     * the window has drained. Requests in flight never share a series, so whatever order the
     * receiver applies them in, each series' samples arrive in timestamp order.
     */
    let held: GatedBatch | undefined;
    /** The batch read last is a lane batch. */
    let lanes = false;
    // Commits are made in order but not waited for before the next request: saving the position
    // (two fsyncs) between requests stalled a backlog drain.
    let committed: Promise<void> = Promise.resolve();
    try {
      while (!hard.signal.aborted) {
        const limit = health.consecutiveFailures > 0 ? 1 : lanes ? maxLaneInFlight : maxInFlight;
        const wasStopping = stopping; // read the WAL at least once after stop() began
        while (window.length < limit) {
          let next = held;
          held = undefined;
          if (!next) {
            const batch = await batcher.next();
            if (!batch) break;
            next = { batch: withLabels(batch) };
            lanes = batch.lane !== undefined;
          }
          if (window.length > 0 && gate.conflicts(window, next)) {
            held = next;
            metrics.orderWaits.inc();
            break;
          }
          // Before it leaves: where it and the batches before it end (sent_batches.ts); the
          // lane batches of one range share its end.
          // The stops ahead of them, from before the restart, are kept: a second crash while
          // batches sent before the first are sent again must find them all still there.
          const from = window[0]?.batch.offset ?? next.batch.offset;
          const ends = distinctEnds(
            [
              ...window.map((w) => w.batch.nextOffset),
              next.batch.nextOffset,
              ...stops.filter((s) => s > from),
            ].sort((a, b) => a - b),
          );
          wal.noteSent?.(from, ends);
          noted = [from, ...ends];
          const done = deliver(next.batch);
          done.catch(() => {}); // observed below, in order
          window.push({ ...next, done });
        }
        const head = window.shift();
        if (!head) {
          if (wasStopping) return;
          if (stopping) continue;
          await wal.waitForData(batcher.cursor, soft.signal).catch(() => {});
          continue;
        }
        const result = await head.done;
        if (result === "failed") return;
        // A lane batch before its range's last commits nothing: the range's other lanes may be
        // in flight still. The last is awaited after it, so its commit covers them all.
        if (!head.batch.partial) committed = wal.commit(head.batch.nextOffset);
        if (result === "ok") {
          metrics.samples.inc(head.batch.samples);
          metrics.bytes.inc(head.batch.body.length);
        }
      }
    } finally {
      await Promise.allSettled(window.map((w) => w.done));
      await committed;
    }
  }

  async function supervise(): Promise<void> {
    for (let attempt = 0; !hard.signal.aborted && !(stopping && attempt > 0); attempt++) {
      try {
        await run();
        return;
      } catch (e) {
        if (hard.signal.aborted) return;
        log.error("Push loop failed, restarting from the push position: {error}", {
          error: e instanceof Error ? e.message : String(e),
        });
        const delay = retryDelay(attempt, undefined, {
          minMs: config.min_backoff,
          maxMs: config.max_backoff,
          random,
        });
        await clock.sleep(delay, soft.signal).catch(() => {});
      }
    }
  }

  return {
    async start() {
      if (client) return;
      client = await createPushClient(config, {
        clock,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.version ? { version: options.version } : {}),
        ...(options.readTextFile ? { readTextFile: options.readTextFile } : {}),
      });
      log.info("Pushing to {url} from WAL position {position}", {
        url: client.safeUrl,
        destination,
        position: wal.pushPosition,
      });
      loop = supervise();
      if (options.metadata && config.metadata_interval > 0) {
        metadataLoop = sendMetadataLoop(options.metadata, {
          config,
          clock,
          client,
          metrics,
          random,
          signal: soft.signal,
        });
      }
    },
    async stop(timeoutMs = config.shutdown_timeout) {
      if (!loop || !client || stopping) return;
      stopping = true;
      soft.abort();
      const deadline = new AbortController();
      clock.sleep(timeoutMs, deadline.signal).then(
        () => hard.abort(new Error("push shutdown timeout")),
        () => {},
      );
      await loop;
      await metadataLoop;
      deadline.abort();
      await client[Symbol.asyncDispose]();
      const backlog = wal.stats().pending_samples;
      log.info("Push stopped, {backlog} samples left in the WAL", {
        backlog,
        destination,
        timed_out: hard.signal.aborted,
      });
    },
    pushStatus() {
      return {
        name: destination,
        url: client?.safeUrl ?? new URL(config.url).origin,
        running: loop !== undefined && !stopping,
        last_success_timestamp_seconds: health.lastSuccessMs === null
          ? null
          : health.lastSuccessMs / 1000,
        consecutive_failures: health.consecutiveFailures,
        backlog_samples: wal.stats().pending_samples,
        last_error: health.lastError,
      };
    },
  };
}
