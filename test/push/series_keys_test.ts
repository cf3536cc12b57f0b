import assert from "node:assert/strict";
import { seriesKeys, seriesKeysOf, sharesSeries } from "../../src/push/series_keys.ts";
import { encodeWriteRequest } from "../_support/remote_write.ts";
import { encodeMetadata } from "../../src/push/metadata.ts";
import { snappyCompress } from "../../src/wal/snappy.ts";

const series = (target: string, t: number, name = "up") => ({
  labels: [["__name__", name], ["target", target]] as [string, string][],
  value: 1,
  timestampMs: t,
});

Deno.test("seriesKeysOf() gives one key per series, the same in every body", () => {
  const a = seriesKeysOf(encodeWriteRequest([series("a", 1), series("b", 1), series("a", 2)]))!;
  const b = seriesKeysOf(encodeWriteRequest([series("b", 3)]))!;
  const c = seriesKeysOf(encodeWriteRequest([series("c", 3), series("a", 3, "down")]))!;
  assert.equal(a.size, 2);
  assert.equal(sharesSeries(a, b), true);
  assert.equal(sharesSeries(a, c), false);
  assert.deepEqual(seriesKeys(snappyCompress(encodeWriteRequest([series("b", 9)]))), b);
});

Deno.test("seriesKeysOf() tells long label sets apart by both ends", () => {
  const long = (target: string) => ({
    labels: [["__name__", "probe_success"], ["a", "x".repeat(200)], ["target", target]] as [
      string,
      string,
    ][],
    value: 0,
    timestampMs: 1,
  });
  const a = seriesKeysOf(encodeWriteRequest([long("10.0.0.1:22")]))!;
  const b = seriesKeysOf(encodeWriteRequest([long("10.0.0.2:22")]))!;
  assert.equal(sharesSeries(a, b), false);
  assert.equal(sharesSeries(a, seriesKeysOf(encodeWriteRequest([long("10.0.0.1:22")]))), true);
});

Deno.test("seriesKeys() is null for garbage, which shares with everything; metadata has no series", () => {
  assert.equal(seriesKeys(new Uint8Array([0xff, 0xff, 0xff])), null);
  assert.equal(seriesKeysOf(new Uint8Array([0x0a, 50, 1])), null);
  assert.equal(sharesSeries(null, new Set()), true);
  const meta = seriesKeysOf(encodeMetadata([{ name: "up", type: "gauge", help: "h" }]))!;
  assert.equal(meta.size, 0);
  assert.equal(sharesSeries(meta, new Set([1])), false);
});
