/**
 * @module Test helper: every sample of a WAL directory and of a VictoriaMetrics export, keyed by
 * series and timestamp, and the assertion that two such sets are the same (exact counts).
 */
import assert from "node:assert/strict";
import type { ExportedSeries } from "./vm_server.ts";
import { seriesKey, walSeries } from "./wal_samples.ts";

/** `name{label=value,…}@timestamp`, labels sorted, `__name__` left out of them. */
export function sampleKey(labels: Record<string, string>, timestampMs: number): string {
  return `${seriesKey(labels)}@${timestampMs}`;
}

/** Every sample in the WAL dir (one segment: nothing was deleted), key → value. */
export async function walSamples(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const s of await walSeries(dir)) {
    out.set(sampleKey(Object.fromEntries(s.labels), s.timestampMs), s.value);
  }
  return out;
}

export function vmSamples(series: ExportedSeries[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of series) {
    s.timestamps.forEach((t, i) => out.set(sampleKey(s.metric, t), s.values[i]!));
  }
  return out;
}

export function assertSameSamples(vm: Map<string, number>, wal: Map<string, number>): void {
  const missing = [...wal.keys()].filter((k) => !vm.has(k));
  const extra = [...vm.keys()].filter((k) => !wal.has(k));
  assert.deepEqual({ missing: missing.slice(0, 5), extra: extra.slice(0, 5) }, {
    missing: [],
    extra: [],
  });
  // VictoriaMetrics keeps 12 significant decimal digits: 7.26940983440727e-4 comes back as
  // 7.2694098344e-4, a relative error of up to 5e-12 (1e-12 failed on such a value).
  for (const [k, v] of wal) {
    assert.ok(Math.abs(vm.get(k)! - v) <= Math.abs(v) * 1e-11, `${k}: ${vm.get(k)} != ${v}`);
  }
}
