/**
 * @module A real VictoriaMetrics single-node server for integration tests and benchmarks: started
 * on a free loopback port with a temporary data dir, stoppable and restartable on the same port
 * and dir (to stage an outage), removed with its data on dispose.
 */
import { freePort } from "./tcp_servers.ts";

/** One series as `/api/v1/export` returns it. */
export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

/**
 * One line of `/api/v1/export`. VictoriaMetrics writes a stale marker as a bare `NaN` in the
 * values array, which is not JSON: it is read back as NaN.
 */
export function parseExportLine(line: string): ExportedSeries {
  const at = line.lastIndexOf('"values":[');
  if (at < 0) return JSON.parse(line) as ExportedSeries;
  const end = line.indexOf("]", at);
  const values = line.slice(at, end).replace(/([[,])NaN(?=[,\]]|$)/g, "$1null");
  const parsed = JSON.parse(line.slice(0, at) + values + line.slice(end)) as ExportedSeries;
  parsed.values = parsed.values.map((v) => v === null ? NaN : v);
  return parsed;
}

/** The running (or stopped) server. */
export interface VmServer extends AsyncDisposable {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  /** The remote-write endpoint. */
  readonly writeUrl: string;
  readonly dataDir: string;
  /** SIGTERM (VictoriaMetrics flushes and exits) and wait; data stays. */
  stop(): Promise<void>;
  /** Starts again on the same port and data dir. */
  start(): Promise<void>;
  /** Makes everything received so far searchable. */
  flush(): Promise<void>;
  /** Flushes, then exports every series matching `match` (e.g. `{__name__="probe_success"}`). */
  exportSeries(match: string): Promise<ExportedSeries[]>;
  /**
   * Exports `match` until it holds at least `samples` samples (fresh data takes about a second to
   * become searchable) or ~`timeoutMs` passed, and returns the last export.
   */
  waitForSamples(match: string, samples: number, timeoutMs?: number): Promise<ExportedSeries[]>;
  /** `vm_rows_inserted_total{type="promremotewrite"}`: samples received, duplicates included. */
  rowsReceived(): Promise<number>;
}

async function get(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status} ${await r.text()}`);
  return r;
}

/** Starts `victoria-metrics` and waits until `/health` answers (at most ~20 s). */
export async function startVictoriaMetrics(
  options: { extraArgs?: string[] } = {},
): Promise<VmServer> {
  const port = freePort();
  const dataDir = await Deno.makeTempDir({ prefix: "vmprober_vm_" });
  const base = `http://127.0.0.1:${port}`;
  let child: Deno.ChildProcess | undefined;

  async function start(): Promise<void> {
    if (child) return;
    child = new Deno.Command("victoria-metrics", {
      args: [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-storageDataPath=${dataDir}`,
        "-retentionPeriod=100y",
        "-search.latencyOffset=0s",
        "-search.disableCache",
        "-dedup.minScrapeInterval=1ms",
        "-loggerLevel=ERROR",
        ...(options.extraArgs ?? []),
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    for (let i = 0; i < 400; i++) {
      try {
        const r = await fetch(`${base}/health`);
        await r.body?.cancel();
        if (r.ok) return;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 50));
    }
    await stop();
    throw new Error(`Cannot start victoria-metrics on port ${port}: /health never answered`);
  }

  async function stop(): Promise<void> {
    if (!child) return;
    const c = child;
    child = undefined;
    try {
      c.kill("SIGTERM");
    } catch { /* already gone */ }
    await c.status;
  }

  async function exportSeries(match: string): Promise<ExportedSeries[]> {
    await (await get(`${base}/internal/force_flush`)).body?.cancel();
    const r = await get(`${base}/api/v1/export?match[]=${encodeURIComponent(match)}`);
    const text = await r.text();
    return text.split("\n").filter((l) => l.trim()).map(parseExportLine);
  }

  await start();
  return {
    port,
    base,
    writeUrl: `${base}/api/v1/write`,
    dataDir,
    start,
    stop,
    async flush() {
      await (await get(`${base}/internal/force_flush`)).body?.cancel();
    },
    exportSeries,
    async waitForSamples(match, samples, timeoutMs = 20_000) {
      let last: ExportedSeries[] = [];
      for (let waited = 0; waited <= timeoutMs; waited += 100) {
        last = await exportSeries(match);
        if (last.reduce((n, s) => n + s.values.length, 0) >= samples) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      return last;
    },
    async rowsReceived() {
      const text = await (await get(`${base}/metrics`)).text();
      const m = /^vm_rows_inserted_total\{type="promremotewrite"\} (\d+)$/m.exec(text);
      return m ? Number(m[1]) : 0;
    },
    async [Symbol.asyncDispose]() {
      await stop();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}
