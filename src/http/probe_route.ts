/**
 * @module `GET /probe?target=…&module=…[&debug=true]`, blackbox_exporter's contract: one probe
 * now, its metrics as the body (Prometheus text, no target labels: the scrape adds `instance`
 * and `job`), or with `debug=true` the probe's log, its metrics and its module as text. The
 * module's timeout is capped by `X-Prometheus-Scrape-Timeout-Seconds` minus 0.5 s (blackbox's
 * default offset). Bounded: past `maxConcurrent` probes at once the answer is 503.
 */
import type { Hono } from "hono";
import YAML from "yaml";
import type { ProbeNowRequest, ProbeNowResult } from "../results/probe_now.ts";
import { probeExposition, probeLog } from "./probe_text.ts";

/** What the route needs from the agent. */
export interface ProbeRouteDeps {
  run(req: ProbeNowRequest): Promise<ProbeNowResult>;
  /** Probes served at once; more get 503. */
  maxConcurrent: number;
  /** Called for each refused request, by reason (metrics). */
  onRefused?: (reason: "bad_request" | "busy") => void;
}

/** blackbox_exporter's `--timeout-offset` default, in seconds. */
export const TIMEOUT_OFFSET_S = 0.5;

/**
 * The cap the scrape's timeout header puts on a probe, in ms: header − offset; none when the
 * header is absent, 0, or not above the offset (then the module's timeout applies, as in
 * blackbox). A header that is not a number is an error.
 */
export function timeoutCapMs(header: string | undefined): number | undefined | Error {
  if (header === undefined || header === "") return undefined;
  const seconds = Number(header);
  if (!Number.isFinite(seconds) || seconds < 0) {
    return new Error(`Cannot parse X-Prometheus-Scrape-Timeout-Seconds: ${JSON.stringify(header)}`);
  }
  const cap = seconds - TIMEOUT_OFFSET_S;
  return seconds === 0 || cap <= 0 ? undefined : cap * 1000;
}

/** Adds the route to `app`. */
export function addProbeRoute(app: Hono, deps: ProbeRouteDeps): void {
  let running = 0;
  app.get("/probe", async (c) => {
    const bad = (message: string) => {
      deps.onRefused?.("bad_request");
      return c.text(`${message}\n`, 400);
    };
    const target = c.req.query("target");
    const module = c.req.query("module");
    if (!target) return bad("Target parameter is missing");
    if (!module) return bad("Module parameter is missing");
    if (target.length > 1024) return bad("Target parameter is longer than 1024 characters");
    const cap = timeoutCapMs(c.req.header("X-Prometheus-Scrape-Timeout-Seconds"));
    if (cap instanceof Error) return bad(cap.message);
    if (running >= deps.maxConcurrent) {
      deps.onRefused?.("busy");
      return c.text(`Too many probes at once (at most ${deps.maxConcurrent}); try again\n`, 503, {
        "Retry-After": "1",
      });
    }
    running++;
    const started = new Date();
    let result: ProbeNowResult;
    try {
      result = await deps.run({ target, module, timeoutCapMs: cap, signal: c.req.raw.signal });
    } finally {
      running--;
    }
    if (!result.ok) return bad(result.error);
    const metrics = probeExposition(result.record);
    if (c.req.query("debug") === "true") {
      const text = "Logs for the probe:\n" + probeLog(result, started) +
        "\n\n\nMetrics that would have been returned:\n" + metrics +
        "\n\n\nModule configuration:\n" + YAML.stringify(result.module);
      return c.text(text, 200, { "Content-Type": "text/plain; charset=utf-8" });
    }
    return c.body(metrics, 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
  });
}
