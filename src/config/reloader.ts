/**
 * @module Reload triggers: SIGHUP, a change of the config file (`Deno.watchFs` + debounce) and
 * `POST /-/reload`. Every trigger goes through one re-entrancy guard: a trigger during a reload
 * waits for it and then causes one more reload (coalesced), never two at once. The reload itself
 * (validate, then apply or keep the old config; its metrics and error log) is injected by the agent.
 */
import type { Logger } from "@logtape/logtape";
import { logger as makeLogger } from "../log.ts";
import { type Clock, systemClock } from "../base/clock.ts";
import { basename, dirname } from "../base/paths.ts";
import { MAX_CONFIG_BYTES } from "./yaml_guard.ts";
import { pause } from "../base/slices.ts";

/** What one reload did; `error` is the config error (`file:line:col: key: message`). */
export interface ReloadResult {
  ok: boolean;
  error?: string;
}

/** What triggered a reload. */
export type ReloadTrigger = "sighup" | "watch" | "api" | "manual";

/** The last reload, for `/api/v1/status`. */
export interface LastReload extends ReloadResult {
  trigger: ReloadTrigger;
  /** ISO time the reload ended. */
  at: string;
}

/** Options of {@linkcode createReloader}. */
export interface ReloaderOptions {
  /** The config file (watched for changes). */
  configPath: string;
  /** Validates and applies the config; resolves `{ok: false, error}` and keeps the old on error. */
  reload: () => Promise<ReloadResult>;
  clock?: Clock;
  logger?: Logger;
  /** Quiet time after the last file event before reloading. Default 500 ms. */
  debounceMs?: number;
  /** Watch the config file. Default true. */
  watchFile?: boolean;
  /** Reload on SIGHUP. Default true. */
  sighup?: boolean;
}

/** The reload trigger hub. */
export interface Reloader extends AsyncDisposable {
  /** Installs the SIGHUP listener and the file watch until `signal` aborts or disposal. */
  start(signal?: AbortSignal): Promise<void>;
  /** Reloads now (or right after the reload in progress); the route `POST /-/reload` calls it. */
  trigger(trigger: ReloadTrigger): Promise<ReloadResult>;
  /** The last reload's outcome, or null before the first. */
  last(): LastReload | null;
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Creates the reloader; nothing is watched until `start()`. */
export function createReloader(options: ReloaderOptions): Reloader {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? makeLogger("config");
  const debounceMs = options.debounceMs ?? 500;
  let running: Promise<ReloadResult> | null = null;
  let queued: Promise<ReloadResult> | null = null;
  let last: LastReload | null = null;
  const stop = new AbortController();
  let watcher: Deno.FsWatcher | null = null;
  let watchLoop: Promise<void> | null = null;
  let pending: Promise<unknown> | null = null;
  /** The config bytes the last reload (or the watch's start) read: a file event with equal bytes
   * is a touch, not a change. Null while the file is not watched. */
  let lastBytes: Uint8Array | null = null;
  let watching = false;
  const onSighup = () => void reloader.trigger("sighup");

  function run(trigger: ReloadTrigger): Promise<ReloadResult> {
    running = (async (): Promise<ReloadResult> => {
      let result: ReloadResult;
      try {
        // One event-loop turn first: requests that come meanwhile share this reload (the file
        // read is synchronous, so a small config would otherwise reload once per request).
        await pause();
        // Read before the reload reads: a write after it then differs and is reloaded too.
        const bytes = watching ? readConfigBytes() : null;
        result = await options.reload();
        // The file event of a write that a SIGHUP or API reload has already loaded is no change.
        if (watching) lastBytes = bytes;
      } catch (e) {
        result = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      log.debug("Config reload ({trigger}): {outcome}", {
        trigger,
        outcome: result.ok ? "applied" : "rejected",
      });
      last = { ...result, trigger, at: new Date(clock.wallNow()).toISOString() };
      return result;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  /**
   * Synchronous, as `loadConfig` reads: an async read can wait long for a busy thread pool. Bytes,
   * not text: a decode of a big file in one piece holds the event loop (loadConfig decodes in steps).
   */
  function readConfigBytes(): Uint8Array | null {
    try {
      const info = Deno.statSync(options.configPath);
      if (!info.isFile || info.size > MAX_CONFIG_BYTES) return null;
      return Deno.readFileSync(options.configPath);
    } catch {
      return null;
    }
  }

  /** A file event: wait for quiet, then reload if the bytes changed. */
  function onFileEvent(): void {
    if (pending || stop.signal.aborted) return;
    pending = clock.sleep(debounceMs, stop.signal).then(async () => {
      pending = null;
      const bytes = readConfigBytes();
      if (sameBytes(bytes, lastBytes)) return;
      lastBytes = bytes;
      await reloader.trigger("watch");
    }).catch(() => {
      pending = null;
    });
  }

  /** Installs the SIGHUP listener and the file watch (no await: the file is read in sync). */
  function install(signal?: AbortSignal): void {
    signal?.addEventListener("abort", () => void reloader[Symbol.asyncDispose](), {
      once: true,
    });
    if (options.sighup ?? true) Deno.addSignalListener("SIGHUP", onSighup);
    if (!(options.watchFile ?? true)) return;
    lastBytes = readConfigBytes();
    const name = basename(options.configPath);
    try {
      watcher = Deno.watchFs(dirname(options.configPath), { recursive: false });
    } catch (e) {
      log.warn("Cannot watch the config file, reload with SIGHUP or POST /-/reload: {error}", {
        error: String(e),
      });
      return;
    }
    watching = true;
    const w = watcher;
    watchLoop = (async () => {
      for await (const event of w) {
        if (event.paths.some((p) => basename(p) === name)) onFileEvent();
      }
    })().catch(() => {});
  }

  const reloader: Reloader = {
    start(signal) {
      try {
        install(signal);
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(e);
      }
    },
    trigger(trigger) {
      if (!running) return run(trigger);
      if (!queued) {
        queued = running.catch(() => undefined).then(() => {
          queued = null;
          return run(trigger);
        });
      }
      return queued;
    },
    last: () => last,
    async [Symbol.asyncDispose]() {
      if (stop.signal.aborted) return;
      stop.abort();
      if (options.sighup ?? true) {
        try {
          Deno.removeSignalListener("SIGHUP", onSighup);
        } catch { /* not installed */ }
      }
      watcher?.close();
      await Promise.allSettled([watchLoop, pending, running, queued]);
    },
  };
  return reloader;
}
