import assert from "node:assert/strict";
import { pathGauges } from "../../../src/probes/path/path_gauges.ts";
import { pathHops } from "../../../src/probes/path/path_hops.ts";
import type { PathResult, TraceHop } from "../../../src/probes/path/types.ts";
import type { ResultRecord } from "../../../src/results/types.ts";
import { createRecordEncoder } from "../../../src/results/record_encoder.ts";
import { createProbeMetrics } from "../../../src/metrics/probe_metrics.ts";
import { createFamilyBook } from "../../../src/results/pushed_families.ts";
import { decodeWriteRequest } from "../../_support/wal_decode.ts";

const hop = (ttl: number, address: string, rtts: number[], sent = 2): TraceHop => ({
  ttl,
  sent,
  rttsSeconds: rtts,
  addresses: new Map(rtts.length ? [[address, rtts.length]] : []),
});

function record(path: PathResult, at: number): ResultRecord {
  return {
    key: "mtr|198.19.9.1",
    timestampMs: at,
    target: "198.19.9.1",
    probe: "mtr",
    type: "path",
    labels: {},
    success: path.reached,
    durationSeconds: 1,
    attempts: 1,
    path,
    gauges: pathGauges(path),
  };
}

const result = (second: string, changes: number): PathResult => ({
  hops: pathHops({
    destinationTtl: 3,
    hops: [
      hop(1, "198.19.1.2", [0.001, 0.002]),
      hop(2, second, [0.02]),
      hop(3, "198.19.9.1", [0.03, 0.05]),
    ],
  }),
  reached: true,
  changed: changes > 0,
  changes,
});

Deno.test("pathGauges() gives hops, per-hop loss and five RTT stats, and the change counter", () => {
  const g = pathGauges(result("198.19.1.6", 0));
  assert.equal(g.length, 1 + 3 * 6 + 1);
  assert.deepEqual(g[0], { name: "vmprober_path_hops", help: g[0]!.help, value: 3 });
  const loss2 = g.find((x) =>
    x.name === "vmprober_path_hop_loss_ratio" && x.labels?.[1]?.[1] === "2"
  );
  assert.deepEqual(loss2?.labels, [["address", "198.19.1.6"], ["hop", "2"]]);
  assert.equal(loss2?.value, 0.5);
  const med3 = g.find((x) =>
    x.name === "vmprober_path_hop_rtt_seconds" && x.labels?.[1]?.[1] === "3" &&
    x.labels?.[2]?.[1] === "median"
  );
  assert.equal(med3?.value, 0.04);
  assert.deepEqual(g.at(-1), {
    name: "vmprober_path_changes_total",
    help: g.at(-1)!.help,
    type: "counter",
    value: 0,
  });
  // A hop that never answered: its loss (1), no RTT series.
  const silent = pathGauges({
    hops: pathHops({ hops: [hop(1, "", [], 3), hop(2, "198.19.1.6", [0.01])] }),
    reached: false,
    changed: false,
    changes: 0,
  });
  assert.deepEqual(
    silent.filter((x) => x.labels?.[1]?.[1] === "1").map((
      x,
    ) => [x.name, x.labels?.[0]?.[1], x.value]),
    [["vmprober_path_hop_loss_ratio", "???", 1]],
  );
});

Deno.test("path series: a hop whose address changed gets stale markers when pushed, the counter is a counter", () => {
  const enc = createRecordEncoder();
  enc.encode([record(result("198.19.1.6", 0), 1_000)]);
  const out = decodeWriteRequest(enc.encode([record(result("198.19.1.14", 1), 2_000)]).bytes);
  const stale = out.filter((s) => s.stale).map((s) => Object.fromEntries(s.labels));
  // hop 2's loss and five RTT series under the old address end; nothing else does.
  assert.equal(stale.length, 6);
  assert.ok(stale.every((l) => l.hop === "2" && l.address === "198.19.1.6"), JSON.stringify(stale));
  const changes = out.find((s) =>
    Object.fromEntries(s.labels).__name__ === "vmprober_path_changes_total"
  );
  assert.equal(changes?.value, 1);

  const book = createFamilyBook();
  for (const g of record(result("198.19.1.6", 0), 0).gauges!) book.note(g.name, g.help, g.type);
  assert.equal(book.list().find((f) => f.name === "vmprober_path_changes_total")?.type, "counter");
  assert.equal(book.list().find((f) => f.name === "vmprober_path_hops")?.type, "gauge");

  const m = createProbeMetrics({ buckets: [1] });
  m.write([record(result("198.19.1.14", 1), 2_000)]);
  const text = m.render();
  assert.match(text, /^# TYPE vmprober_path_changes_total counter$/m);
  assert.match(text, /^# TYPE vmprober_path_hop_rtt_seconds gauge$/m);
  assert.match(
    text,
    /^vmprober_path_hop_loss_ratio\{instance="198\.19\.9\.1",job="mtr",probe="mtr",type="path",target="198\.19\.9\.1",address="198\.19\.1\.14",hop="2"\} 0\.5$/m,
  );
});
