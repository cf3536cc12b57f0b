/**
 * @module A real Prometheus (Debian's `prometheus`) for integration tests: remote-write receiver
 * on, a temporary TSDB, a free loopback port, nothing scraped. Removed with its data on dispose.
 */

/** One series of a range-vector query: labels and raw samples `[unix seconds, "value"]`. */
export interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** The running server. */
export interface PromServer extends AsyncDisposable {
  readonly base: string;
  /** `<base>/api/v1/write`. */
  readonly writeUrl: string;
  /** Instant query at `time` (Unix seconds; now by default): the `data.result` array. */
  query(promql: string, time?: number): Promise<unknown[]>;
  /** Every raw sample of `selector` in the last `range` (e.g. `1h`), as a matrix. */
  rawSamples(selector: string, range?: string): Promise<PromSeries[]>;
  /** Everything Prometheus logged so far. */
  log(): string;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

/** Starts `prometheus --web.enable-remote-write-receiver` and waits for `/-/ready` (≤ ~20 s). */
export async function startPrometheus(): Promise<PromServer> {
  const dir = await Deno.makeTempDir({ prefix: "vmprober_prom_" });
  await Deno.writeTextFile(`${dir}/prometheus.yml`, "global: {scrape_interval: 1m}\n");
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = new Deno.Command("prometheus", {
    args: [
      `--config.file=${dir}/prometheus.yml`,
      `--storage.tsdb.path=${dir}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--web.enable-remote-write-receiver",
      "--log.level=warn",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const pump = (async () => {
    const d = new TextDecoder();
    for await (const c of child.stderr) stderr += d.decode(c, { stream: true });
  })();
  const dispose = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
    await pump;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  let ready = false;
  for (let i = 0; i < 400 && !ready; i++) {
    try {
      const r = await fetch(`${base}/-/ready`);
      await r.body?.cancel();
      ready = r.ok;
    } catch { /* not yet */ }
    if (!ready) await new Promise((r) => setTimeout(r, 50));
  }
  if (!ready) {
    await dispose();
    throw new Error(`Cannot start prometheus on port ${port}:\n${stderr}`);
  }
  const query = async (promql: string, time?: number) => {
    const params = new URLSearchParams({ query: promql });
    if (time !== undefined) params.set("time", String(time));
    const r = await fetch(`${base}/api/v1/query?${params}`);
    const body = await r.json() as { status: string; data?: { result: unknown[] }; error?: string };
    if (body.status !== "success") throw new Error(`Cannot query ${promql}: ${body.error}`);
    return body.data!.result;
  };
  return {
    base,
    writeUrl: `${base}/api/v1/write`,
    query,
    async rawSamples(selector, range = "1h") {
      return await query(`${selector}[${range}]`) as PromSeries[];
    },
    log: () => stderr,
    [Symbol.asyncDispose]: dispose,
  };
}
