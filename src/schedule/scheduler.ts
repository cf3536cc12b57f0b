/**
 * @module The scheduler: owns time, fires each job every interval at a stable jittered phase,
 * through global and per-host token buckets, into a bounded worker pool.
 *
 * One heap of due times and one timer, however many jobs. Ticks are anchored to the monotonic
 * clock (`phase + k * interval`), so there is no drift over hours. A job still running (or still
 * waiting for the pool) at its next tick is not started twice: the tick is skipped and counted.
 */
import type { Clock } from "../base/clock.ts";
import { batchWindow } from "./batch_window.ts";
import { TimerHeap } from "./heap.ts";
import { jitterPhase } from "./jitter.ts";
import { createTokenBucket, type TokenBucket } from "./token_bucket.ts";
import { pause, runSliced, runSync, SLICE_MS, STEP_ITEMS, type Steps } from "../base/slices.ts";
import { ShardedMap } from "../base/sharded_map.ts";

/** What the scheduler needs to know about one (target, probe module) job. */
export interface JobSpec {
  /** Stable identity, e.g. `probe|target`; the jitter phase is a hash of it. */
  key: string;
  /** Per-host rate-limit key. */
  host: string;
  intervalMs: number;
  /** 0..1: the share of the interval the phase may spread over. */
  jitter: number;
  /** Changes whenever the job's settings change; same key + same version = untouched on update. */
  version: string;
  /** One run of the job (probe + sinks); must not reject. */
  run(): Promise<void>;
}

/** Why a tick did not start a run. */
export type SkipReason = "overrun" | "rate_limited" | "queue_full" | "missed" | "removed";

/** Observers the scheduler reports to (metrics). */
export interface SchedulerHooks {
  lag?(seconds: number): void;
  skipped?(reason: SkipReason): void;
  delayed?(): void;
}

/** What `update` changed. */
export interface UpdateSummary {
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
}

/** The scheduler's face. */
export interface Scheduler {
  /** Applies a new job set: unchanged jobs keep their phase and state. */
  update(specs: readonly JobSpec[]): UpdateSummary;
  /**
   * {@linkcode Scheduler.update} in time slices, so 200,000 jobs do not hold up the event loop;
   * jobs fire meanwhile. Calls must not overlap (the agent runs them one after another). An
   * abort stops it part way: the jobs seen so far are updated, none are removed. Resolves once
   * the runs of removed jobs still in flight have ended, so a stale marker written after it is
   * the last sample of their series.
   */
  apply(specs: readonly JobSpec[], signal?: AbortSignal): Promise<UpdateSummary>;
  start(): void;
  /** True when a job of this key is scheduled (what the per-job tables keep after an update). */
  has(key: string): boolean;
  /** Stops firing ticks and waits for running jobs (the pool) to finish. */
  stop(): Promise<void>;
  readonly jobs: number;
  readonly running: boolean;
}

/** Where due runs go: the worker pool (`pool/worker_pool.ts`), injected by the agent. */
export interface RunQueue {
  /** Runs or queues the run; false when the queue is full (the scheduler counts the skip). */
  submit(run: () => Promise<void>): boolean;
  /** Resolves when nothing runs or waits. */
  idle(): Promise<void>;
}

/** Options of {@linkcode createScheduler}. */
export interface SchedulerOptions {
  clock: Clock;
  pool: RunQueue;
  /** Probes per second over all jobs. */
  globalRate: number;
  /** Probes per second to one host. */
  perHostRate: number;
  hooks?: SchedulerHooks;
}

/**
 * One scheduled job, and its one place in the timer heap: the next tick, or the delayed start of
 * a run the rate limits held back (then `tick` is the tick after it). No event object per tick:
 * one object per job for the collector to go through (200,000 jobs: 200,000 fewer, ~56 B each).
 */
interface Entry {
  spec: JobSpec;
  state: "idle" | "pending" | "running";
  removed: boolean;
  /** The last update that listed this job: one that did not is removed at its end. */
  seen: number;
  /** The run in flight, while state is "running". */
  run?: Promise<void>;
  /** When it next fires (the heap's key), a whole ms. */
  due: number;
  /** Its index in the heap (kept by the heap). */
  slot: number;
  /** True while `due` is a delayed start, not a tick. */
  starting: boolean;
  /** The tick after a delayed start (meaningful while `starting`). */
  tick: number;
}

/** Creates a scheduler; nothing fires until `start()`. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { clock, pool, hooks = {} } = options;
  const heap = new TimerHeap<Entry>();
  // Sharded: 2,000,000 jobs in one Map grow it by rehashing ~1,000,000 entries in one call.
  const entries = new ShardedMap<Entry>();
  const global = createTokenBucket(options.globalRate);
  const hosts = new ShardedMap<TokenBucket>();
  /** Counts updates, for {@linkcode Entry.seen}. */
  let updates = 0;
  let started = false;
  let stopped = false;
  let wake: AbortController | undefined;

  const firstDue = (phase: number, interval: number, now: number) =>
    phase + Math.ceil((now - phase) / interval) * interval;

  /** Puts the job's next tick at `due` (in place of whatever it waited for). */
  const plan = (entry: Entry, due: number) => {
    entry.due = due;
    entry.starting = false;
    heap.update(entry);
  };

  const dispatch = (entry: Entry, plannedAt: number) => {
    entry.state = "pending";
    const accepted = pool.submit(async () => {
      // Removed while it waited for a worker: a run started now would come after the job's
      // stale marker (its series have ended), so it does not start.
      if (entry.removed) {
        entry.state = "idle";
        return hooks.skipped?.("removed");
      }
      hooks.lag?.(Math.max(0, clock.now() - plannedAt) / 1000);
      entry.state = "running";
      try {
        await (entry.run = entry.spec.run());
      } finally {
        entry.state = "idle";
        entry.run = undefined;
      }
    });
    if (!accepted) {
      entry.state = "idle";
      hooks.skipped?.("queue_full");
    }
  };

  const hostBucket = (host: string) => {
    let b = hosts.get(host);
    if (!b) hosts.set(host, b = createTokenBucket(options.perHostRate));
    return b;
  };

  /** The job's tick or delayed start, due at `entry.due`, fires at `now`. */
  const fire = (entry: Entry, now: number) => {
    const due = entry.due;
    if (entry.starting) {
      // The tick after it may already be due: the loop fires it next (an overrun then).
      plan(entry, entry.tick);
      return dispatch(entry, due);
    }
    const interval = entry.spec.intervalMs;
    let next = due + interval;
    while (next <= now) {
      hooks.skipped?.("missed");
      next += interval;
    }
    plan(entry, next);
    if (entry.state !== "idle") return hooks.skipped?.("overrun");
    const host = hostBucket(entry.spec.host);
    const wait = Math.max(global.reserve(now), host.reserve(now));
    if (wait >= interval) {
      global.cancel(now);
      host.cancel(now);
      return hooks.skipped?.("rate_limited");
    }
    if (wait > 0) {
      hooks.delayed?.();
      entry.state = "pending";
      // Rounded up to a whole ms like every due time (see jitterPhase): never before the wait.
      // The job's one heap place holds the start now, and the next tick waits behind it.
      entry.tick = next;
      entry.due = Math.ceil(now + wait);
      entry.starting = true;
      heap.update(entry);
      return;
    }
    dispatch(entry, due);
  };

  const loop = async () => {
    let sliceStart = performance.now();
    let fired = 0;
    while (!stopped) {
      const now = clock.now();
      const top = heap.peek();
      // Everything due within its batch window fires in this wake-up: one timer and one
      // event-loop turn per batch instead of per job (at 1,000 jobs/s they are ~1 ms apart).
      // A job still running or waiting fires on its time, not early, unless its window is no
      // more than the timer's own 1 ms granularity (see batch_window.ts).
      const span = top ? batchWindow(top.spec.intervalMs) : 0;
      const early = span > 1 && top?.state !== "idle" ? 0 : span;
      if (top && top.due <= now + early) {
        fire(top, Math.max(now, top.due));
        // Thousands due at once (a big target list at start-up): give the event loop a turn
        // every SLICE_MS, as a long load does, instead of firing them all in one go.
        if (++fired % 64 === 0 && performance.now() - sliceStart > SLICE_MS) {
          await pause();
          sliceStart = performance.now();
        }
        continue;
      }
      sliceStart = performance.now();
      // One controller serves every sleep until update() or stop() aborts it.
      if (!wake || wake.signal.aborted) wake = new AbortController();
      try {
        await clock.sleep(top ? top.due - now : 3_600_000, wake.signal);
      } catch {
        // woken by update() or stop()
      }
    }
  };

  /** Runs of removed jobs still in flight: the update that removed them waits for them. */
  let ending: Promise<void>[] = [];

  function* updateSteps(specs: readonly JobSpec[]): Steps<UpdateSummary> {
    const summary = { added: 0, removed: 0, changed: 0, unchanged: 0 };
    // Jobs listed are marked with this update's number instead of collected in a Set (2,000,000
    // keys: one more big table built and grown per update).
    const update = ++updates;
    let now = clock.now();
    let n = 0;
    const step = () => ++n % STEP_ITEMS === 0;
    for (const spec of specs) {
      if (step()) {
        wake?.abort(); // the jobs added so far may be due before the loop's current sleep ends
        yield;
        now = clock.now();
      }
      const old = entries.get(spec.key);
      if (old) old.seen = update;
      if (old && old.spec.version === spec.version) {
        summary.unchanged++;
        continue;
      }
      if (old) {
        summary.changed++;
        const timing = old.spec.intervalMs !== spec.intervalMs || old.spec.jitter !== spec.jitter;
        old.spec = spec;
        if (timing) {
          // A start held back by the rate limits is dropped with the old timing: nothing was
          // submitted, so the job is idle again (not pending forever).
          if (old.starting) old.state = "idle";
          const phase = jitterPhase(spec.key, spec.intervalMs, spec.jitter);
          plan(old, firstDue(phase, spec.intervalMs, now));
        }
        continue;
      }
      summary.added++;
      const phase = jitterPhase(spec.key, spec.intervalMs, spec.jitter);
      const entry: Entry = {
        spec,
        state: "idle",
        removed: false,
        seen: update,
        run: undefined,
        due: firstDue(phase, spec.intervalMs, now),
        slot: -1,
        starting: false,
        tick: 0,
      };
      entries.set(spec.key, entry);
      heap.push(entry);
    }
    for (const [key, entry] of entries) {
      if (step()) yield;
      if (entry.seen === update) continue;
      entry.removed = true;
      heap.remove(entry);
      if (entry.run) ending.push(entry.run.catch(() => {}));
      entries.delete(key);
      summary.removed++;
    }
    // A full bucket is what a new one would be: dropping it changes no wait, so buckets go once
    // full (a host that left included) without collecting the live hosts in a Set.
    now = clock.now();
    for (const [host, bucket] of hosts) {
      if (step()) yield;
      if (bucket.full(now)) hosts.delete(host);
    }
    wake?.abort();
    return summary;
  }

  return {
    update(specs) {
      const summary = runSync(updateSteps(specs));
      ending = [];
      return summary;
    },
    async apply(specs, signal) {
      const summary = await runSliced(updateSteps(specs), { signal });
      const runs = ending;
      ending = [];
      await Promise.all(runs);
      return summary;
    },
    start() {
      if (started) return;
      started = true;
      loop();
    },
    async stop() {
      stopped = true;
      wake?.abort();
      await pool.idle();
    },
    has: (key) => entries.has(key),
    get jobs() {
      return entries.size;
    },
    get running() {
      return started && !stopped;
    },
  };
}
