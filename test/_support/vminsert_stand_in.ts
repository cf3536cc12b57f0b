/**
 * @module A loopback stand-in for VictoriaMetrics' vminsert (the cluster binaries are not packaged
 * here): it routes a remote-write request the way vminsert does — the tenant from
 * `/insert/<accountID>[:<projectID>]/prometheus/api/v1/write`, or per series from its
 * `vm_account_id` / `vm_project_id` labels on `/insert/multitenant/...` (which it strips) — and
 * answers 400 to any other path, as vminsert does.
 */
import { decodeWriteRequest } from "./wal_decode.ts";
import { snappyUncompress } from "../../src/wal/snappy.ts";
import type { Series } from "./record_series.ts";

/** One sample as stored, with the tenant it went to. */
export interface TenantSample {
  tenant: string;
  labels: Record<string, string>;
  value: number;
  timestampMs: number;
}

/** The running stand-in. */
export interface VminsertStandIn extends AsyncDisposable {
  readonly base: string;
  /** Every request's path and status, in order. */
  readonly requests: { path: string; status: number }[];
  readonly samples: TenantSample[];
}

const PATH = /^\/insert\/([^/]+)\/prometheus(?:\/api\/v1\/write)?\/?$/;

/** Starts the stand-in on 127.0.0.1 on a free port. */
export function startVminsertStandIn(): VminsertStandIn {
  const requests: { path: string; status: number }[] = [];
  const samples: TenantSample[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const m = PATH.exec(path);
    const tenant = m?.[1];
    const ok = req.method === "POST" &&
      (tenant === "multitenant" || /^\d+(:\d+)?$/.test(tenant ?? ""));
    const body = new Uint8Array(await req.arrayBuffer());
    if (!ok) {
      requests.push({ path, status: 400 });
      return new Response(`unsupported path requested: "${path}"`, { status: 400 });
    }
    let series: Series[];
    try {
      series = decodeWriteRequest(snappyUncompress(body));
    } catch (e) {
      // The status sent is the status recorded: a request it cannot read is not a 204.
      requests.push({ path, status: 400 });
      return new Response(`cannot parse the request: ${(e as Error).message}`, { status: 400 });
    }
    requests.push({ path, status: 204 });
    for (const s of series) {
      const labels = Object.fromEntries(s.labels);
      let t = tenant!.includes(":") ? tenant! : `${tenant}:0`;
      if (tenant === "multitenant") {
        t = `${labels.vm_account_id ?? "0"}:${labels.vm_project_id ?? "0"}`;
        delete labels.vm_account_id;
        delete labels.vm_project_id;
      }
      samples.push({ tenant: t, labels, value: s.value, timestampMs: s.timestampMs });
    }
    return new Response(null, { status: 204 });
  });
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    requests,
    samples,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}
