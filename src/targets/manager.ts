/**
 * @module The target manager: loads every source, refreshes each on its period and on change
 * notifications, keeps a failing source's last good targets, merges all into one target list and
 * tells subscribers when it changes. `update()` swaps the source list on reload, keeping the state
 * of sources whose name and fingerprint did not change.
 */
import type { Logger } from "@logtape/logtape";
import type { Registry } from "../base/prom.ts";
import { logger as makeLogger } from "../log.ts";
import { type Clock, systemClock } from "../base/clock.ts";
import { mergeSteps, sameTargetsSteps } from "./merge.ts";
import { runSliced, STEP_ITEMS, type Steps } from "../base/slices.ts";
import { ShardedSet } from "../base/sharded_map.ts";
import { createSdMetrics, type SdMetrics } from "./sd_metrics.ts";
import { droppedLabelReporter } from "./dropped_labels.ts";
import { failureReasonOf, type SourceFailureReason } from "./source_error.ts";
import type { Target, TargetGroup, TargetSource } from "./types.ts";

/** How long file change notifications are collected before one re-read. */
export const DEFAULT_WATCH_DEBOUNCE_MS = 200;

/** One source's health, for `GET /api/v1/targets` and `/api/v1/status`. */
export interface SourceStatus {
  name: string;
  kind: string;
  /** `pending` until the first load ends, then `ok` or `failing`. */
  state: "pending" | "ok" | "failing";
  /** Targets of its last good load. */
  targets: number;
  probes: string[];
  /** ISO time of the last successful load, or null. */
  lastSuccess: string | null;
  /** The last error message while failing, else null. */
  lastError: string | null;
  lastErrorReason: SourceFailureReason | null;
  consecutiveFailures: number;
}

/** Options of {@linkcode createTargetManager}. */
export interface TargetManagerOptions {
  sources: readonly TargetSource[];
  registry: Registry;
  clock?: Clock;
  logger?: Logger;
  watchDebounceMs?: number;
}

/** The merged, live view of all target sources. */
export interface TargetManager extends AsyncDisposable {
  /** Loads every source once (a failing one starts empty), then keeps them refreshed. */
  start(signal: AbortSignal): Promise<void>;
  /** Replaces the sources (reload); unchanged ones keep their state. Resolves after new loads. */
  update(sources: readonly TargetSource[]): Promise<void>;
  /** The current merged targets, deterministic order. */
  targets(): Target[];
  /** Subscribes to changes of the merged list; returns an unsubscribe function. */
  onChange(cb: (targets: Target[]) => void): () => void;
  sourceStatus(): SourceStatus[];
  /** Loads one source now (tests, API). */
  refresh(name: string): Promise<void>;
}

interface SourceState {
  source: TargetSource;
  groups: TargetGroup[];
  count: number;
  state: SourceStatus["state"];
  lastSuccessMs: number | null;
  lastError: string | null;
  lastReason: SourceFailureReason | null;
  failures: number;
  stop: AbortController;
  running: Promise<void> | null;
  again: boolean;
  watchPending: boolean;
  loop: Promise<void> | null;
}

function sameSource(a: TargetSource, b: TargetSource): boolean {
  if (a === b) return true;
  return a.name === b.name && a.kind === b.kind && a.fingerprint !== undefined &&
    a.fingerprint === b.fingerprint;
}

/** Distinct addresses of a source's groups (sharded: no single big Set grows in one call). */
function* countSteps(groups: readonly TargetGroup[]): Steps<number> {
  const seen = new ShardedSet();
  let n = 0;
  for (const g of groups) {
    for (const t of g.targets) {
      seen.add(t);
      if (++n % STEP_ITEMS === 0) yield;
    }
  }
  return seen.size;
}

/** Creates a target manager over `sources` (in config order). */
export function createTargetManager(options: TargetManagerOptions): TargetManager {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? makeLogger("targets");
  const debounceMs = options.watchDebounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS;
  const metrics: SdMetrics = createSdMetrics(options.registry);
  const reportDropped = droppedLabelReporter(metrics, log);
  const listeners = new Set<(targets: Target[]) => void>();
  let states: SourceState[] = [];
  let merged: Target[] = [];
  let batching = 0;
  /** The merge in progress (in slices), and whether sources changed while it ran. */
  let merging: Promise<void> | null = null;
  let mergeAgain = false;
  let started = false;
  let outer: AbortSignal | undefined;

  function newState(source: TargetSource): SourceState {
    metrics.init(source.name);
    metrics.targets.set({ source: source.name }, 0);
    return {
      source,
      groups: [],
      count: 0,
      state: "pending",
      lastSuccessMs: null,
      lastError: null,
      lastReason: null,
      failures: 0,
      stop: new AbortController(),
      running: null,
      again: false,
      watchPending: false,
      loop: null,
    };
  }

  /** Merges all sources in slices; calls during a merge coalesce into one more merge after it. */
  function recompute(): Promise<void> {
    if (batching > 0) return Promise.resolve();
    if (merging) {
      mergeAgain = true;
      return merging;
    }
    merging = (async () => {
      do {
        mergeAgain = false;
        await mergeOnce();
      } while (mergeAgain);
    })().catch((e) => {
      if (!outer?.aborted) log.error("Cannot merge targets: {error}", { error: String(e) });
    }).finally(() => {
      merging = null;
    });
    return merging;
  }

  async function mergeOnce(): Promise<void> {
    const signal = outer;
    const next = await runSliced(mergeSteps(states), { signal });
    if (await runSliced(sameTargetsSteps(next, merged), { signal })) return;
    merged = next;
    for (const cb of listeners) {
      try {
        cb(merged);
      } catch (e) {
        log.error("A target change listener failed: {error}", { error: String(e) });
      }
    }
  }

  async function loadOnce(st: SourceState): Promise<void> {
    const { name } = st.source;
    try {
      const groups = await st.source.load(st.stop.signal);
      if (st.stop.signal.aborted) return;
      // Counted before either is set: a merge meanwhile sees the old groups with their count
      // (mergeSteps trusts the count to say a source repeats no address).
      const count = await runSliced(countSteps(groups), { signal: st.stop.signal });
      st.groups = groups;
      st.count = count;
      reportDropped(name, groups);
      st.lastSuccessMs = clock.wallNow();
      if (st.state !== "ok") {
        const how = st.state === "failing" ? "recovered" : "loaded";
        log.info(`Target source {source} ${how}: {targets} targets`, {
          source: name,
          targets: st.count,
        });
      }
      st.state = "ok";
      st.lastError = null;
      st.lastReason = null;
      st.failures = 0;
      metrics.targets.set({ source: name }, st.count);
      metrics.lastSuccess.set({ source: name }, st.lastSuccessMs / 1000);
      metrics.healthy.set({ source: name }, 1);
    } catch (e) {
      if (st.stop.signal.aborted) return;
      const reason = failureReasonOf(e);
      const message = e instanceof Error ? e.message : String(e);
      metrics.fail(name, reason);
      if (st.state !== "failing") {
        log.warn(
          "Target source {source} failing, keeping its last {targets} targets: {error}",
          { source: name, targets: st.count, reason, error: message },
        );
      }
      st.state = "failing";
      st.lastError = message;
      st.lastReason = reason;
      st.failures++;
    }
    await recompute();
  }

  /** Runs a load; a request during a load runs one more after it (coalesced). */
  function refreshState(st: SourceState): Promise<void> {
    if (st.running) {
      st.again = true;
      return st.running;
    }
    st.running = (async () => {
      do {
        st.again = false;
        await loadOnce(st);
      } while (st.again && !st.stop.signal.aborted);
    })().finally(() => {
      st.running = null;
    });
    return st.running;
  }

  function startLoop(st: SourceState): void {
    const signal = st.stop.signal;
    if (st.source.watch) {
      st.source.watch(() => {
        if (st.watchPending || signal.aborted) return;
        st.watchPending = true;
        clock.sleep(debounceMs, signal).then(() => {
          st.watchPending = false;
          return refreshState(st);
        }, () => {});
      }, signal);
    }
    const every = st.source.refreshMs;
    if (every === undefined || every <= 0) return;
    st.loop = (async () => {
      while (!signal.aborted) {
        try {
          await clock.sleep(every, signal);
        } catch {
          return;
        }
        await refreshState(st);
      }
    })();
  }

  async function stopState(st: SourceState): Promise<void> {
    st.stop.abort(new DOMException("target source stopped", "AbortError"));
    await Promise.allSettled([st.loop, st.running]);
  }

  async function loadAll(fresh: SourceState[]): Promise<void> {
    batching++;
    try {
      await Promise.all(fresh.map((st) => refreshState(st)));
    } finally {
      batching--;
    }
  }

  const manager: TargetManager = {
    async start(signal) {
      if (started) throw new Error("Cannot start target manager: already started");
      started = true;
      outer = signal;
      states = options.sources.map(newState);
      signal.addEventListener("abort", () => void manager[Symbol.asyncDispose](), { once: true });
      await loadAll(states);
      await recompute();
      if (signal.aborted) return;
      for (const st of states) startLoop(st);
    },
    async update(sources) {
      // A copy: the live list stays whole until the swap, and no merge runs mid-update (a kept
      // source that finishes a load meanwhile is merged once, at the end, with the new list).
      const old = [...states];
      const next: SourceState[] = [];
      const fresh: SourceState[] = [];
      for (const source of sources) {
        const i = old.findIndex((st) => sameSource(st.source, source));
        if (i !== -1) {
          next.push(old[i]!);
          old.splice(i, 1);
        } else {
          const st = newState(source);
          next.push(st);
          fresh.push(st);
        }
      }
      batching++;
      try {
        // Sources gone (or changed): stop them and drop their series before the new ones load.
        await Promise.all(old.map(stopState));
        const keep = new Set(next.map((st) => st.source.name));
        for (const st of old) if (!keep.has(st.source.name)) metrics.remove(st.source.name);
        states = next;
        if (old.length > 0) {
          log.info("Target sources removed or changed: {sources}", {
            sources: old.map((st) => st.source.name),
          });
        }
        await loadAll(fresh);
      } finally {
        batching--;
      }
      await recompute();
      if (started && !outer?.aborted) { for (const st of fresh) startLoop(st); }
    },
    targets: () => merged,
    onChange(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    sourceStatus: () =>
      states.map((st) => ({
        name: st.source.name,
        kind: st.source.kind,
        state: st.state,
        targets: st.count,
        probes: [...st.source.probes],
        lastSuccess: st.lastSuccessMs === null ? null : new Date(st.lastSuccessMs).toISOString(),
        lastError: st.lastError,
        lastErrorReason: st.lastReason,
        consecutiveFailures: st.failures,
      })),
    async refresh(name) {
      const st = states.find((s) => s.source.name === name);
      if (!st) throw new RangeError(`Cannot refresh target source: unknown source "${name}"`);
      await refreshState(st);
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(states.map(stopState));
    },
  };
  return manager;
}
