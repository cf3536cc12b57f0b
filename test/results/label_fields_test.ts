import assert from "node:assert/strict";
import { createLabelFieldCache, labelField } from "../../src/results/label_fields.ts";
import { TCP_RECORD as record } from "../_support/tcp_record.ts";

Deno.test("labelField() encodes tag, length, name and value as a TimeSeries Label field", () => {
  assert.deepEqual(
    [...labelField("ab", "xyz")],
    [0x0a, 9, 0x0a, 2, 0x61, 0x62, 0x12, 3, 0x78, 0x79, 0x7a],
  );
});

Deno.test("createLabelFieldCache().nameField() caches names and tells of an invalid one once", () => {
  const drops: string[] = [];
  const cache = createLabelFieldCache({}, (reason, name) => drops.push(`${reason}:${name}`));
  assert.equal(cache.nameField("probe_success"), cache.nameField("probe_success"));
  assert.equal(cache.nameField("9bad"), null);
  assert.equal(cache.nameField("9bad"), null);
  assert.deepEqual(drops, ["invalid_name:__name__"]);
});

Deno.test("createLabelFieldCache().withName() puts __name__ in sorted place", () => {
  const cache = createLabelFieldCache({});
  const own = cache.ownFields([["phase", "tls"], ["_a", "1"]]);
  assert.deepEqual(own.map((f) => f.name), ["_a", "phase"]);
  const name = cache.nameField("probe_phase")!;
  const all = cache.withName(own, name);
  assert.deepEqual(all.map((f) => f.name), ["__name__", "_a", "phase"]);
  assert.equal(cache.withName(own, name), all, "cached per (labels, name)");
});

Deno.test("createLabelFieldCache().jobFields() splits the job's labels where __name__ goes", () => {
  const cache = createLabelFieldCache({ zone: "z1" });
  const job = cache.jobFields(record);
  assert.deepEqual(job.names, [...job.names].sort());
  assert.ok(job.names.includes("zone") && job.names.includes("site"));
  assert.equal(job.nameAt, 0); // every label name sorts after __name__
  // Only the one encoded buffer per job: no views of it are kept beside it.
  assert.deepEqual(
    Object.values(job).filter((v) => ArrayBuffer.isView(v)),
    [job.bytes],
  );
  assert.equal(cache.jobFields(record), job, "cached by the labels object");
  assert.notEqual(cache.jobFields({ ...record, target: "127.0.0.1:23" }), job);
});

Deno.test("createLabelFieldCache().jobFields() packs jobs' fields into one chunk and shares name lists", () => {
  const cache = createLabelFieldCache({});
  const a = cache.jobFields(record);
  const b = cache.jobFields({ ...record, labels: { ...record.labels }, target: "127.0.0.1:23" });
  assert.equal(a.bytes.buffer, b.bytes.buffer, "one chunk");
  assert.equal(b.bytes.byteOffset, a.bytes.byteOffset + a.bytes.length);
  assert.equal(a.names, b.names, "one list of the same names");
  assert.ok(Object.isFrozen(a.names));
  // Each job's bytes are its own labels, whatever sits beside them in the chunk.
  const fields = a.names.map((n) => n === "target" ? labelField(n, "127.0.0.1:23") : null);
  const at = b.starts[a.names.indexOf("target")]!;
  assert.deepEqual([...b.bytes.subarray(at, at + fields.find((f) => f)!.length)], [
    ...fields.find((f) => f)!,
  ]);
  const big = cache.jobFields({
    ...record,
    labels: { ...record.labels },
    target: "x".repeat(3000),
  });
  assert.notEqual(big.bytes.buffer, a.bytes.buffer, "past half a chunk: a buffer of its own");
  assert.equal(big.bytes.byteOffset, 0);
});
