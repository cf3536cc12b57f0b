/**
 * @module Test helpers for WAL compaction: a WAL filled with typical probe results (one record per
 * simulated second, as with `fsync_interval: 1s`), and every sample of a WAL as a sorted list of
 * `labels|timestamp|value` keys (a multiset, comparable with `deepEqual`).
 */
import type { ResultRecord } from "../../src/results/types.ts";
import { rttStats } from "../../src/probes/icmp/rtt_stats.ts";
import { recoverWal } from "../../src/wal/recover.ts";
import { readSegmentRecords } from "../../src/wal/segment_reader.ts";
import { openWal, type WalOptions } from "../../src/wal/wal.ts";
import { createWalSink } from "../../src/wal/wal_sink.ts";
import { decodeCompressed } from "./wal_decode.ts";
import { walTestOptions } from "./wal_test_options.ts";
import { jobKey } from "../../src/base/job_key.ts";

/** One simulated second: `tcp` TCP targets (3 samples each) and `icmp` ICMP targets (7 each). */
export function secondOfResults(
  s: number,
  tcp: number,
  icmp: number,
  base = 1_700_000_000_000,
): ResultRecord[] {
  const out: ResultRecord[] = [];
  const t0 = base + s * 1000;
  const labels = [{ site: "fra1", role: "db" }, { site: "fra1", role: "web" }];
  for (let i = 0; i < tcp; i++) {
    const ok = (i * 7 + s) % 13 !== 0;
    out.push({
      timestampMs: t0 + (i % 997),
      target: `10.0.${i >> 8}.${i & 255}:443`,
      probe: "tcp_https",
      key: jobKey("tcp_https", `10.0.${i >> 8}.${i & 255}:443`),
      type: "tcp",
      labels: labels[i % 2]!,
      success: ok,
      durationSeconds: 0.0002 + ((i * 31 + s * 17) % 1000) / 7e4,
      reason: ok ? undefined : "timeout",
      ipProtocol: 4,
      attempts: 1,
    });
  }
  for (let i = 0; i < icmp; i++) {
    const rtts = [0.011, 0.012, 0.0105].map((x) => x + ((i + s) % 17) / 1e5);
    out.push({
      timestampMs: t0 + i * 3 + 1,
      target: `10.9.0.${i}`,
      probe: "icmp",
      key: jobKey("icmp", `10.9.0.${i}`),
      type: "icmp",
      labels: labels[i % 2]!,
      success: true,
      durationSeconds: 0.013,
      ipProtocol: 4,
      attempts: 1,
      icmp: rttStats(3, rtts),
    });
  }
  return out;
}

/** WAL options for the compaction tests: 64 KiB segments, fsync always, compaction off. */
export function testWalOptions(dir: string, more: Partial<WalOptions> = {}): WalOptions {
  return walTestOptions(dir, { segmentSize: 64 * 1024, ...more });
}

/** Appends `seconds` simulated seconds (from `from`) to a WAL in `dir`, one flush per second. */
export async function fillWal(
  dir: string,
  seconds: number,
  sizes: { tcp: number; icmp: number; from?: number; base?: number } = { tcp: 40, icmp: 5 },
): Promise<void> {
  await using wal = await openWal(testWalOptions(dir));
  const sink = createWalSink(wal);
  const from = sizes.from ?? 0;
  for (let s = from; s < from + seconds; s++) {
    sink.write(secondOfResults(s, sizes.tcp, sizes.icmp, sizes.base));
    await wal.flush();
  }
}

/** The key of one sample: labels, timestamp and value. */
export function sampleKey(labels: [string, string][], timestampMs: number, value: number): string {
  return `${labels.map(([k, v]) => `${k}=${v}`).join(",")}|${timestampMs}|${value}`;
}

/** Every sample of `entries`' payloads, as sorted keys. */
export function entryKeys(entries: ReadonlyArray<{ compressed: Uint8Array }>): string[] {
  const keys: string[] = [];
  for (const e of entries) {
    for (const s of decodeCompressed(e.compressed)) {
      keys.push(sampleKey(s.labels, s.timestampMs, s.value));
    }
  }
  return keys.sort();
}

/**
 * Every sample readable in the WAL in `dir` from offset `from`, as sorted keys: read as a fresh
 * open would, without repairing or locking (so also beside a WAL that is open).
 */
export async function walKeys(dir: string, from = 0): Promise<string[]> {
  const { index } = await recoverWal(dir, { repair: false });
  const host = { dir, index, swapOf: () => undefined, reading: () => {}, corrupt: () => {} };
  const entries = [];
  for (let offset = from;;) {
    const es = await readSegmentRecords(host, offset, 1 << 20);
    if (es.length === 0) break;
    entries.push(...es);
    offset = es.at(-1)!.nextOffset;
  }
  return entryKeys(entries);
}
