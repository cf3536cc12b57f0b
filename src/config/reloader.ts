/**
 * @module Reload triggers: SIGHUP, a change of the config file (`Deno.watchFs` + debounce) and
 * `POST /-/reload`. Every trigger goes through one re-entrancy guard: a trigger during a reload
 * waits for it and then causes one more reload (coalesced), never two at once. The reload itself
 * (validate, then apply or keep the old config) is injected by the agent.
 */
import type { Logger } from "@logtape/logtape";
import { Counter, Gauge, type Registry } from "prom-client";
import { logger as makeLogger } from "../log.ts";
import { type Clock, systemClock } from "../schedule/clock.ts";
import { basename, dirname } from "../targets/paths.ts";

/** What one reload did; `error` is the config error (`file:line:col: key: message`). */
export interface ReloadResult {
  ok: boolean;
  error?: string;
}

/** What triggered a reload: the `trigger` label of `vmprober_config_reloads_total`. */
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
  registry: Registry;
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

function reuse<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Creates the reloader; nothing is watched until `start()`. */
export function createReloader(options: ReloaderOptions): Reloader {
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? makeLogger("config");
  const debounceMs = options.debounceMs ?? 500;
  const registers = [options.registry];
  const successful = reuse(
    options.registry,
    "vmprober_config_last_reload_successful",
    () =>
      new Gauge({
        name: "vmprober_config_last_reload_successful",
        help: "1 when the last config reload succeeded (or none happened yet), 0 when it failed.",
        registers,
      }),
  );
  const successTime = reuse(
    options.registry,
    "vmprober_config_last_reload_success_timestamp_seconds",
    () =>
      new Gauge({
        name: "vmprober_config_last_reload_success_timestamp_seconds",
        help: "Unix time of the last successful config load or reload.",
        registers,
      }),
  );
  const total = reuse(options.registry, "vmprober_config_reloads_total", () =>
    new Counter({
      name: "vmprober_config_reloads_total",
      help: "Config reloads by result (success, failure) and trigger (sighup, watch, api, manual).",
      labelNames: ["result", "trigger"] as const,
      registers,
    }));
  successful.set(1);
  successTime.set(clock.wallNow() / 1000);

  let running: Promise<ReloadResult> | null = null;
  let queued: Promise<ReloadResult> | null = null;
  let last: LastReload | null = null;
  const stop = new AbortController();
  let watcher: Deno.FsWatcher | null = null;
  let watchLoop: Promise<void> | null = null;
  let pending: Promise<unknown> | null = null;
  let lastText: string | null = null;
  const onSighup = () => void reloader.trigger("sighup");

  function run(trigger: ReloadTrigger): Promise<ReloadResult> {
    running = (async (): Promise<ReloadResult> => {
      let result: ReloadResult;
      try {
        result = await options.reload();
      } catch (e) {
        result = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      successful.set(result.ok ? 1 : 0);
      total.inc({ result: result.ok ? "success" : "failure", trigger });
      if (result.ok) {
        successTime.set(clock.wallNow() / 1000);
        log.info("Config reloaded ({trigger})", { trigger });
      } else {
        log.error("Config reload ({trigger}) failed, keeping the running config: {error}", {
          trigger,
          error: result.error ?? "unknown error",
        });
      }
      last = { ...result, trigger, at: new Date(clock.wallNow()).toISOString() };
      return result;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  async function readConfigText(): Promise<string | null> {
    try {
      return await Deno.readTextFile(options.configPath);
    } catch {
      return null;
    }
  }

  /** A file event: wait for quiet, then reload if the bytes changed. */
  function onFileEvent(): void {
    if (pending || stop.signal.aborted) return;
    pending = clock.sleep(debounceMs, stop.signal).then(async () => {
      pending = null;
      const text = await readConfigText();
      if (text === lastText) return;
      lastText = text;
      await reloader.trigger("watch");
    }).catch(() => {
      pending = null;
    });
  }

  const reloader: Reloader = {
    async start(signal) {
      signal?.addEventListener("abort", () => void reloader[Symbol.asyncDispose](), {
        once: true,
      });
      if (options.sighup ?? true) Deno.addSignalListener("SIGHUP", onSighup);
      if (!(options.watchFile ?? true)) return;
      lastText = await readConfigText();
      const name = basename(options.configPath);
      try {
        watcher = Deno.watchFs(dirname(options.configPath), { recursive: false });
      } catch (e) {
        log.warn("Cannot watch the config file, reload with SIGHUP or POST /-/reload: {error}", {
          error: String(e),
        });
        return;
      }
      const w = watcher;
      watchLoop = (async () => {
        for await (const event of w) {
          if (event.paths.some((p) => basename(p) === name)) onFileEvent();
        }
      })().catch(() => {});
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
