/**
 * @module Real Prometheus and blackbox_exporter (Debian's) for compatibility tests: each started
 * on a free loopback port (Prometheus with a temporary storage dir and the remote-write
 * receiver), waited for until ready, stopped and cleaned up on dispose.
 */

/** A started server process. */
export interface PromServer extends AsyncDisposable {
  readonly base: string;
  /** Prometheus' instant query API: the `result` list of `query`. */
  query(query: string): Promise<QueryResult[]>;
  /** `/api/v1/label/NAME/values?match[]=MATCH` (what Grafana's `label_values()` calls). */
  labelValues(name: string, match: string): Promise<string[]>;
}

/** One instant-vector element. */
export interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

async function waitReady(url: string, child: Deno.ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    try {
      const r = await fetch(url);
      await r.body?.cancel();
      if (r.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  await child.status;
  throw new Error(`Cannot start ${what}: ${url} never answered 200`);
}

/** The query API of Prometheus or VictoriaMetrics at `base`. */
export function queryApi(base: string): Pick<PromServer, "query" | "labelValues"> {
  const get = async (path: string) => {
    const r = await fetch(base + path);
    const body = await r.json();
    if (!r.ok || body.status !== "success") {
      throw new Error(`GET ${path}: HTTP ${r.status} ${JSON.stringify(body)}`);
    }
    return body.data;
  };
  return {
    query: async (q) => (await get(`/api/v1/query?query=${encodeURIComponent(q)}`)).result,
    labelValues: (name, match) =>
      get(`/api/v1/label/${name}/values?match[]=${encodeURIComponent(match)}`),
  };
}

function server(base: string, child: Deno.ChildProcess, dirs: string[]): PromServer {
  return {
    base,
    ...queryApi(base),
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      for (const d of dirs) await Deno.remove(d, { recursive: true }).catch(() => {});
    },
  };
}

/** Starts `prometheus` on `configYaml` (scrape configs), with the remote-write receiver. */
export async function startPrometheus(configYaml: string): Promise<PromServer> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "vmprober_prom_" });
  await Deno.writeTextFile(`${dir}/prometheus.yml`, configYaml);
  const child = new Deno.Command("prometheus", {
    args: [
      `--config.file=${dir}/prometheus.yml`,
      `--storage.tsdb.path=${dir}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--web.enable-remote-write-receiver",
      "--log.level=error",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  await waitReady(`${base}/-/ready`, child, "prometheus");
  return server(base, child, [dir]);
}

/** Starts `prometheus-blackbox-exporter` with `configYaml` (its blackbox.yml). */
export async function startBlackbox(configYaml: string): Promise<PromServer> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "vmprober_bb_" });
  await Deno.writeTextFile(`${dir}/blackbox.yml`, configYaml);
  const child = new Deno.Command("prometheus-blackbox-exporter", {
    args: [
      `--config.file=${dir}/blackbox.yml`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=error",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  await waitReady(`${base}/-/healthy`, child, "prometheus-blackbox-exporter");
  return server(base, child, [dir]);
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
