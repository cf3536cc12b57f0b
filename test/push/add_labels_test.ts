import assert from "node:assert/strict";
import { createLabelAdder } from "../../src/push/add_labels.ts";
import { createRecordEncoder } from "../../src/results/record_encoder.ts";
import type { ResultRecord } from "../../src/results/types.ts";
import { jobKey } from "../../src/base/job_key.ts";
import { snappyCompress, snappyUncompress } from "../../src/wal/snappy.ts";
import { metadataRequest } from "../../src/push/metadata.ts";
import { mulberry32 } from "../_support/seeded_random.ts";

function record(i: number, labels: Record<string, string>): ResultRecord {
  return {
    timestampMs: 1_700_000_000_000 + i,
    target: `10.0.0.${i % 250}:22`,
    probe: "ssh",
    key: jobKey("ssh", `10.0.0.${i % 250}:22`),
    type: "tcp",
    labels,
    success: i % 3 !== 0,
    durationSeconds: 0.001 * i,
    attempts: 1,
    ipProtocol: 4,
    ...(i % 3 === 0 ? { reason: "refused" as const } : {}),
  };
}

Deno.test("createLabelAdder() gives the bytes the WAL sink writes with those extra_labels", () => {
  const extra = { dc: "fra", zone: "b", a_first: "1", role: "ignored: the target's role wins" };
  const records = Array.from({ length: 50 }, (_, i) => record(i, { role: "edge", site: "x" }));
  const baked = createRecordEncoder(extra).encode(records).bytes;
  const plain = createRecordEncoder({}).encode(records).bytes;
  assert.deepEqual(createLabelAdder(extra).addTo(plain), baked);
  const compressed = createLabelAdder(extra).addToCompressed(snappyCompress(plain));
  assert.deepEqual(snappyUncompress(compressed), baked);
});

Deno.test("createLabelAdder() leaves bodies alone without labels, and metadata as it is", () => {
  const body = new Uint8Array([1, 2, 3]);
  assert.equal(createLabelAdder({}).addTo(body), body);
  const meta = metadataRequest([{ name: "probe_success", help: "ok", type: "gauge" }]);
  const raw = snappyUncompress(meta);
  assert.deepEqual(createLabelAdder({ dc: "x" }).addTo(raw), raw);
});

Deno.test("createLabelAdder() refuses garbage with a SyntaxError, never loops (fixed seed)", () => {
  const random = mulberry32(18);
  const adder = createLabelAdder({ dc: "x" });
  const good = createRecordEncoder({}).encode([record(1, { site: "s" })]).bytes;
  let refused = 0;
  for (let i = 0; i < 2000; i++) {
    const bad = good.slice(0, Math.floor(random() * good.length));
    for (let j = 0; j < 3; j++) bad[Math.floor(random() * bad.length)] = Math.floor(random() * 256);
    try {
      adder.addTo(bad);
    } catch (e) {
      assert.ok(e instanceof SyntaxError, String(e));
      refused++;
    }
  }
  assert.ok(refused > 100, `${refused} refused`);
});

Deno.test("createLabelAdder() reports each label left out because the series has it", () => {
  const records = Array.from({ length: 10 }, (_, i) => record(i, { role: "edge", site: "x" }));
  const { bytes, samples } = createRecordEncoder({}).encode(records);
  const series = samples; // one sample per series in a result's record
  const told: number[] = [];
  const adder = createLabelAdder({ role: "ours", site: "ours", dc: "fra" }, {
    onDuplicate: (n) => told.push(n),
  });
  adder.addTo(bytes);
  // role and site are the series' own in every series; dc is added.
  assert.deepEqual(told, [2 * series]);
  told.length = 0;
  createLabelAdder({ dc: "fra" }, { onDuplicate: (n) => told.push(n) }).addTo(bytes);
  assert.deepEqual(told, [], "nothing left out, nothing told");
  assert.throws(() => adder.addTo(new Uint8Array([0x0a, 0x05, 0x0a])), SyntaxError);
  assert.deepEqual(told, [], "a body that does not parse is not counted");
});
