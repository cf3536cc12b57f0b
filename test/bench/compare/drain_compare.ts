/**
 * @module Workload 3: backlog drain. The same N samples (BENCH_DRAIN_SAMPLES, default 10,000,000)
 * are queued while VictoriaMetrics is unreachable, then delivered:
 * - ours: the agent's WAL is filled through the real WAL sink, and its sealed segments compacted
 *   as a running agent compacts them while pushing fails (BENCH_DRAIN_COMPACT=0: not compacted);
 *   then the bundled agent starts with `push` to a running VictoriaMetrics;
 * - vmagent: fed the same samples (same remote-write bodies) on its own `/api/v1/write` while its
 *   `-remoteWrite.url` points to the stopped VictoriaMetrics, then stopped (its queue persists);
 *   then VictoriaMetrics starts and vmagent starts again on the same queue.
 * Both clocks run from the process spawn to the sender receiving VictoriaMetrics' reply to its
 * last request, once VictoriaMetrics has read all N samples. VictoriaMetrics refreshes its own
 * `/metrics` about once a second, so the moment of the last reply comes from the kernel: the
 * sender's sockets' `lastrcv` as `ss` reports it.
 */
import { Registry } from "../../../src/base/prom.ts";
import { createRecordEncoder } from "../../../src/results/record_encoder.ts";
import type { ResultRecord } from "../../../src/results/types.ts";
import { snappyCompress } from "../../../src/wal/snappy.ts";
import { openWal } from "../../../src/wal/wal.ts";
import { createWalSink } from "../../../src/wal/wal_sink.ts";
import { startVictoriaMetrics, type VmServer } from "../../_support/vm_server.ts";
import {
  cpuSeconds,
  type Figure,
  figuresOf,
  freePort,
  round,
  sleep,
  spawnBundle,
  spawnPeer,
  waitHttp,
} from "./_common.ts";
import { jobKey } from "../../../src/base/job_key.ts";

const SAMPLES = Number(Deno.env.get("BENCH_DRAIN_SAMPLES") ?? 10_000_000);
const PER_RECORD = 100; // results per WAL record (2 samples each)
const DRAIN_TIMEOUT_MS = 180_000;
/** More `push:` settings for experiments, e.g. `, batch: {max_samples: 50000}` (default none). */
const TRACE = Deno.env.get("BENCH_TRACE") === "1";
const PUSH_EXTRA = Deno.env.get("BENCH_DRAIN_PUSH") ?? "";
/** More `wal:` settings for the draining agent, e.g. `, compact: false` (default none). */
const WAL_EXTRA = Deno.env.get("BENCH_DRAIN_WAL") ?? "";
/** Compact the backlog's sealed segments before the drain, as the agent does during an outage. */
const COMPACT = Deno.env.get("BENCH_DRAIN_COMPACT") !== "0";

/** Batch `b` of the backlog: 100 results 15 s after the previous batch, an hour ago. */
function batch(b: number, t0: number): ResultRecord[] {
  return Array.from({ length: PER_RECORD }, (_, i) => ({
    timestampMs: t0 + b * 15,
    target: `10.0.${i >> 8}.${i & 255}:22`,
    probe: "tcp_ssh",
    key: jobKey("tcp_ssh", `10.0.${i >> 8}.${i & 255}:22`),
    type: "tcp" as const,
    labels: { site: "fra1", role: "edge" },
    success: true,
    durationSeconds: 0.000123 * (i + 1) + b * 1e-9,
    attempts: 1,
  }));
}

const batches = () => SAMPLES / (PER_RECORD * 2);

/**
 * Samples VictoriaMetrics has parsed from remote-write requests. Its `/metrics` is refreshed about
 * once a second, so this says when every sample has arrived, not the exact moment.
 */
async function rowsRead(vm: VmServer): Promise<number> {
  const text = await (await fetch(`${vm.base}/metrics`)).text();
  const m = /^vm_protoparser_rows_read_total\{type="promremotewrite"\} (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

/** How often the sender's sockets are read during a drain (one `ss` each). */
const SS_EVERY_MS = 100;

/**
 * Milliseconds since process `pid` last received bytes on a connection to `port` (the
 * server's last reply), from the kernel's per-socket `lastrcv` as `ss` reports it.
 */
async function msSinceLastReply(pid: number, port: number): Promise<number> {
  const out = await new Deno.Command("ss", {
    args: ["-tinpH", "state", "established", `( dport = :${port} )`],
  }).output();
  const lines = new TextDecoder().decode(out.stdout).split("\n");
  let least = Infinity;
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.includes(`pid=${pid},`)) continue;
    const m = /lastrcv:(\d+)/.exec(lines[i + 1]!);
    if (m) least = Math.min(least, Number(m[1]));
  }
  if (least === Infinity) throw new Error(`no connection of process ${pid} to port ${port}`);
  return least;
}

/**
 * Waits until VictoriaMetrics has read `n` samples from process `sender`; returns ms from `t0`
 * to the sender receiving the last reply (exact to ~1 ms, unlike the 1 s steps of `/metrics`).
 * The sender's sockets are read every `SS_EVERY_MS` while it drains, and the latest reply seen on
 * any of them counts: a connection closed after its last reply (keep-alive ended, a new one
 * opened) is gone from a single reading at the end, which then saw only an older idle one
 * (a 10 M-sample drain once measured 0.46 s that way).
 */
async function waitDelivered(vm: VmServer, n: number, t0: number, sender: number): Promise<number> {
  let latest = -Infinity;
  let polled = -Infinity;
  const poll = async (final: boolean) => {
    try {
      latest = Math.max(latest, performance.now() - await msSinceLastReply(sender, vm.port));
    } catch (e) {
      if (final && latest === -Infinity) throw e;
    }
    polled = performance.now();
  };
  for (;;) {
    const rows = await rowsRead(vm);
    if (TRACE) console.error(`    ${Math.round(performance.now() - t0)} ms: ${rows} rows`);
    if (rows >= n) {
      await poll(true);
      return latest - t0;
    }
    if (performance.now() - polled >= SS_EVERY_MS) await poll(false);
    if (performance.now() - t0 > DRAIN_TIMEOUT_MS) {
      throw new Error(`drain timed out: ${rows} of ${n} samples after ${DRAIN_TIMEOUT_MS} ms`);
    }
    await sleep(20);
  }
}

/**
 * State kept across the runs of one process: pristine backlogs (built once, copied for each run,
 * since a drain consumes them) and one VictoriaMetrics per side, emptied before each run (vmagent
 * keys its queue by URL, so its server keeps one port). `drainDispose()` removes it all.
 */
const pristine: { wal?: Promise<string>; vmagent?: Promise<string> } = {};
const servers: { ours?: Promise<VmServer>; vmagent?: Promise<VmServer> } = {};
const pristineDirs: string[] = [];

/** Stops the servers and removes the pristine backlogs. */
export async function drainDispose(): Promise<void> {
  for (const s of [servers.ours, servers.vmagent]) if (s) await (await s)[Symbol.asyncDispose]();
  for (const d of pristineDirs) await Deno.remove(d, { recursive: true });
  pristineDirs.length = 0;
  delete servers.ours;
  delete servers.vmagent;
  delete pristine.wal;
  delete pristine.vmagent;
}

/** The side's server, stopped and emptied (its counters restart with it). */
async function emptyServer(side: "ours" | "vmagent"): Promise<VmServer> {
  const vm = await (servers[side] ??= startVictoriaMetrics());
  await vm.stop();
  for await (const e of Deno.readDir(vm.dataDir)) {
    await Deno.remove(`${vm.dataDir}/${e.name}`, { recursive: true });
  }
  return vm;
}

async function copyDir(from: string, to: string): Promise<void> {
  const out = await new Deno.Command("cp", { args: ["-a", from, to] }).output();
  if (!out.success) throw new Error(`cp ${from} ${to}: ${new TextDecoder().decode(out.stderr)}`);
}

/** A WAL holding the backlog, written through the real WAL sink as a running agent would. */
async function buildWal(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "bench_drain_wal_" });
  pristineDirs.push(dir);
  const wal = await openWal({
    dir,
    segmentSize: 16 * 1024 ** 2,
    maxSize: 4 * 1024 ** 3,
    fsync: "batch",
    fsyncIntervalMs: 1000,
    registry: new Registry(),
    compact: COMPACT,
  });
  const sink = createWalSink(wal);
  const t0 = Date.now() - 3_600_000;
  for (let b = 0; b < batches(); b++) {
    sink.write(batch(b, t0));
    if (b % 500 === 499) await wal.flush(); // bounded memory, like a running agent
  }
  await wal.compaction(); // what the agent's background compaction does during the outage
  await wal[Symbol.asyncDispose]();
  return dir;
}

/** Ours: a pre-filled WAL, then the agent process pushing it; returns ms and agent CPU s. */
export async function agentDrainRun(): Promise<{ ms: number; cpuS: number }> {
  const source = await (pristine.wal ??= buildWal());
  const dir = await Deno.makeTempDir({ prefix: "bench_drain_" });
  try {
    await copyDir(source, `${dir}/wal`);
    const vm = await emptyServer("ours");
    await vm.start();
    const port = freePort();
    await Deno.writeTextFile(
      `${dir}/vmprober.yaml`,
      `agent: {listen: "127.0.0.1:${port}", log: {level: warning, format: json}}
probes: {tcp: {type: tcp}}
targets: []
wal: {dir: ${dir}/wal${WAL_EXTRA}}
push: {url: ${vm.writeUrl}${PUSH_EXTRA}}
`,
    );
    const start = performance.now();
    await using agent = spawnBundle(`${dir}/vmprober.yaml`);
    if (TRACE) {
      (async () => {
        for (let i = 0; i < 400; i++) {
          await sleep(50);
          const t = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()).catch(
            () => "",
          );
          const m = /^vmprober_push_samples_total (\S+)$/m.exec(t);
          console.error(`    agent ${Math.round(performance.now() - start)} ms: ${m?.[1]}`);
          if (m?.[1] === String(SAMPLES)) break;
        }
      })();
    }
    const ms = await waitDelivered(vm, SAMPLES, start, agent.pid);
    return { ms, cpuS: cpuSeconds(agent.pid) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** vmagent's persistent queue holding the backlog: fed while VictoriaMetrics is down. */
async function buildVmagentQueue(vmWriteUrl: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "bench_vmagent_queue_" });
  pristineDirs.push(dir);
  const port = freePort();
  await using feeding = spawnPeer("vmagent", [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-remoteWrite.url=${vmWriteUrl}`,
    `-remoteWrite.tmpDataPath=${dir}`,
    "-loggerLevel=ERROR",
  ]);
  await waitHttp(`http://127.0.0.1:${port}/health`);
  const t0 = Date.now() - 3_600_000;
  const encoder = createRecordEncoder(); // the WAL sink's encoder: the same bytes
  // 10,000 samples per request: the same series, values and timestamps as our WAL holds.
  const perRequest = 50;
  for (let b = 0; b < batches(); b += perRequest) {
    const records: ResultRecord[] = [];
    for (let k = b; k < Math.min(b + perRequest, batches()); k++) records.push(...batch(k, t0));
    const r = await fetch(`http://127.0.0.1:${port}/api/v1/write`, {
      method: "POST",
      headers: {
        "Content-Encoding": "snappy",
        "Content-Type": "application/x-protobuf",
        "X-Prometheus-Remote-Write-Version": "0.1.0",
      },
      body: snappyCompress(encoder.encode(records).bytes) as Uint8Array<ArrayBuffer>,
    });
    await r.body?.cancel();
    if (r.status !== 204 && r.status !== 200) throw new Error(`vmagent: HTTP ${r.status}`);
  }
  await feeding.stop(); // SIGTERM: vmagent moves what it holds in memory to the queue on disk
  return dir;
}

/** vmagent: restarted on its persistent queue once VictoriaMetrics is up. */
export async function vmagentDrainRun(): Promise<{ ms: number; cpuS: number }> {
  const dir = await Deno.makeTempDir({ prefix: "bench_vmagent_" });
  try {
    const vm = await emptyServer("vmagent");
    const source = await (pristine.vmagent ??= buildVmagentQueue(vm.writeUrl));
    await copyDir(source, `${dir}/queue`);
    try {
      await vm.start();
    } catch (e) {
      // Its port was taken while it was down: the next run starts over on a new port and queue.
      delete servers.vmagent;
      delete pristine.vmagent;
      throw e;
    }
    const port = freePort();
    const start = performance.now();
    await using vmagent = spawnPeer("vmagent", [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-remoteWrite.url=${vm.writeUrl}`,
      `-remoteWrite.tmpDataPath=${dir}/queue`,
      "-loggerLevel=ERROR",
    ]);
    const ms = await waitDelivered(vm, SAMPLES, start, vmagent.pid);
    return { ms, cpuS: cpuSeconds(vmagent.pid) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** One run of workload 3. */
export async function drainCompare(): Promise<Figure[]> {
  const peer = await vmagentDrainRun();
  const ours = await agentDrainRun();
  console.error(
    `  drain ${SAMPLES}: ours ${JSON.stringify(ours)}, vmagent ${JSON.stringify(peer)}`,
  );
  const w = `drain ${SAMPLES / 1e6} M samples`;
  const fig = figuresOf(w, "vmagent");
  return [
    fig("time to deliver all", "s", round(ours.ms / 1000, 2), round(peer.ms / 1000, 2), "lower"),
    fig(
      "samples/s",
      "/s",
      round(SAMPLES / (ours.ms / 1000), 0),
      round(SAMPLES / (peer.ms / 1000), 0),
      "higher",
      ">= peer",
    ),
    fig(
      "sender CPU per 1 M samples",
      "s",
      round(ours.cpuS / (SAMPLES / 1e6), 3),
      round(peer.cpuS / (SAMPLES / 1e6), 3),
      "lower",
    ),
  ];
}
