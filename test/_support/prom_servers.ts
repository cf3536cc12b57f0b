/**
 * @module Real Prometheus and blackbox_exporter (Debian's) for integration and compatibility
 * tests: each started on a free loopback port (Prometheus with a temporary TSDB and the
 * remote-write receiver), waited for until ready, stopped and removed with its data on dispose.
 */
import { type ServedOptions, spawnServed } from "./served_process.ts";

/** One instant-vector element. */
export interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

/** One series of a range-vector query: labels and raw samples `[unix seconds, "value"]`. */
export interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** The query API of Prometheus (or VictoriaMetrics, which speaks the same). */
export interface QueryApi {
  /** Instant query at `time` (Unix seconds; now by default): the `data.result` list. */
  query(promql: string, time?: number): Promise<QueryResult[]>;
  /** `/api/v1/label/NAME/values?match[]=MATCH` (what Grafana's `label_values()` calls). */
  labelValues(name: string, match: string): Promise<string[]>;
  /** Every raw sample of `selector` in the last `range` (e.g. `1h`), as a matrix. */
  rawSamples(selector: string, range?: string): Promise<PromSeries[]>;
}

/** A started server process. */
export interface PromServer extends QueryApi, AsyncDisposable {
  readonly base: string;
  /** `<base>/api/v1/write` (Prometheus' remote-write receiver). */
  readonly writeUrl: string;
  /** Everything the server logged so far (stderr). */
  log(): string;
}

/** The query API of Prometheus or VictoriaMetrics at `base`. */
export function queryApi(base: string): QueryApi {
  const get = async (path: string) => {
    const r = await fetch(base + path);
    const body = await r.json();
    if (!r.ok || body.status !== "success") {
      throw new Error(`Cannot GET ${path}: HTTP ${r.status} ${JSON.stringify(body)}`);
    }
    return body.data;
  };
  const query = async (promql: string, time?: number) => {
    const params = new URLSearchParams({ query: promql });
    if (time !== undefined) params.set("time", String(time));
    return (await get(`/api/v1/query?${params}`)).result;
  };
  return {
    query,
    labelValues: (name, match) =>
      get(`/api/v1/label/${name}/values?match[]=${encodeURIComponent(match)}`),
    rawSamples: async (selector, range = "1h") =>
      await query(`${selector}[${range}]`) as unknown as PromSeries[],
  };
}

/** Spawns `command` (see served_process.ts) and wraps it as a server with the query API. */
async function spawnServer(
  command: string,
  args: (port: number) => string[],
  options: ServedOptions,
): Promise<PromServer> {
  const p = await spawnServed(command, args, options);
  return {
    base: p.base,
    writeUrl: `${p.base}/api/v1/write`,
    ...queryApi(p.base),
    log: p.log,
    [Symbol.asyncDispose]: () => p[Symbol.asyncDispose](),
  };
}

/**
 * Starts `prometheus` on `configYaml` (scrape configs; nothing scraped by default), with the
 * remote-write receiver on.
 */
export async function startPrometheus(
  configYaml = "global: {scrape_interval: 1m}\n",
): Promise<PromServer> {
  const dir = await Deno.makeTempDir({ prefix: "vmprober_prom_" });
  await Deno.writeTextFile(`${dir}/prometheus.yml`, configYaml);
  return await spawnServer("prometheus", (port) => [
    `--config.file=${dir}/prometheus.yml`,
    `--storage.tsdb.path=${dir}/data`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--web.enable-remote-write-receiver",
    "--log.level=warn",
  ], { dir, readyPath: "/-/ready" });
}

/** Starts `prometheus-blackbox-exporter` with `configYaml` (its blackbox.yml). */
export async function startBlackbox(configYaml: string): Promise<PromServer> {
  const dir = await Deno.makeTempDir({ prefix: "vmprober_bb_" });
  await Deno.writeTextFile(`${dir}/blackbox.yml`, configYaml);
  return await spawnServer("prometheus-blackbox-exporter", (port) => [
    `--config.file=${dir}/blackbox.yml`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--log.level=error",
  ], { dir, readyPath: "/-/healthy" });
}

/** Sample lines of an exposition as `{name, labels, value}` (comments skipped). */
export function parseExposition(
  text: string,
): { name: string; labels: Record<string, string>; value: number }[] {
  const out = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new SyntaxError(`Cannot parse exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!;
    }
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}
