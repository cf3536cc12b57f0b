/**
 * @module The fallback ICMP helper: the system `ping` (iputils) through the `ping` package, for
 * hosts where no ICMP socket opens (no FFI permission, no privilege). The package formats
 * `timeout` and `deadline` as whole seconds and cannot be cancelled, so this helper passes
 * `-W` (fractional linger), `-i`, `-s` and `-t` itself through `extra`, and bounds every run by
 * `-w` (whole seconds, rounded up) and by its own timer, so a run never outlives its timeout.
 */
import type { Clock } from "../../base/clock.ts";
import { systemClock } from "../../base/clock.ts";
import type { EchoRunOptions, EchoRunResult, IcmpHelper } from "./types.ts";

/** What the `ping` package resolves with (the parts we read). */
export interface PingPackageResult {
  output: string;
  times: number[];
}

/** The `ping` package's probe function (injected in tests). */
export type PingProbe = (
  addr: string,
  config: Record<string, unknown>,
) => Promise<PingPackageResult>;

/** Options of {@linkcode createPingHelper}. */
export interface PingHelperOptions {
  clock?: Clock;
  probe?: PingProbe;
}

/** Command-line arguments (after the package's own `-n -c`) for one run. */
export function pingArguments(options: EchoRunOptions): string[] {
  const sec = (ms: number) => (Math.max(ms, 1) / 1000).toFixed(3);
  const lastSend = (options.count - 1) * options.intervalMs;
  const args = [
    "-i",
    sec(options.intervalMs),
    "-W",
    sec(Math.max(1, options.timeoutMs - lastSend)),
    "-w",
    String(Math.max(1, Math.ceil(options.timeoutMs / 1000))),
    "-s",
    String(options.size),
  ];
  if (options.ttl !== undefined) args.push("-t", String(options.ttl));
  const so = options.socket ?? {};
  if (so.dscp !== undefined) args.push("-Q", String(so.dscp << 2));
  if (so.sourceInterface !== undefined) args.push("-I", so.sourceInterface);
  else if (so.sourceIp !== undefined) args.push("-I", so.sourceIp);
  if (so.dontFragment) args.push("-M", "do");
  return args;
}

/** Reads sent count and RTTs from ping's output; `failure` when nothing came back and ping said why. */
export function parsePingOutput(result: PingPackageResult): EchoRunResult {
  const transmitted = /(\d+) packets transmitted/.exec(result.output);
  const rttsSeconds = result.times.filter((t) => typeof t === "number" && t >= 0)
    .map((ms) => Math.round(ms * 1000) / 1e6);
  const sent = transmitted ? Number(transmitted[1]) : 0;
  if (transmitted) return { sent, rttsSeconds };
  const text = result.output.trim().split("\n").filter((l) => l.trim() !== "").at(-1) ??
    "no output";
  return {
    sent: 0,
    rttsSeconds: [],
    failure: {
      reason: /unreachable|no route/i.test(text) ? "unreachable" : "error",
      detail: `ping: ${text.slice(0, 200)}`,
    },
  };
}

/** Creates the system-ping helper. */
export function createPingHelper(options: PingHelperOptions = {}): IcmpHelper {
  const clock = options.clock ?? systemClock;
  const probe: PingProbe = options.probe ??
    (async (addr, config) => {
      // Loaded on first use: the package brings node:child_process, node:os and node:net.
      const { default: ping } = await import("ping");
      return await ping.promise.probe(addr, config) as unknown as PingPackageResult;
    });
  const close = () => Promise.resolve();
  return {
    name: "ping",
    families: [4, 6],
    async run(ip, family, runOptions, signal) {
      const config = {
        numeric: true,
        timeout: false,
        deadline: false,
        min_reply: runOptions.count,
        v6: family === 6,
        packetSize: false,
        extra: pingArguments(runOptions),
      };
      const stop = new AbortController();
      const onAbort = () => stop.abort();
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        const outcome = await Promise.race([
          probe(ip, config).then(
            (r) => parsePingOutput(r),
            (e: unknown): EchoRunResult => ({
              sent: 0,
              rttsSeconds: [],
              failure: { reason: "error", detail: e instanceof Error ? e.message : String(e) },
            }),
          ),
          clock.sleep(runOptions.timeoutMs, stop.signal).then(
            (): EchoRunResult => ({ sent: runOptions.count, rttsSeconds: [] }),
            (): EchoRunResult => ({ sent: 0, rttsSeconds: [] }),
          ),
        ]);
        return outcome;
      } finally {
        stop.abort();
        signal?.removeEventListener("abort", onAbort);
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
