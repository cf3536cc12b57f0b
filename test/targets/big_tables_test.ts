/**
 * Big target lists never build one table of all of them: V8 grows a Map or Set by rehashing it
 * whole in one call (2,000,000 keys: ~100 ms of CPU at once), so the merge, a source's count, the
 * scheduler's job table and the SD body's decoding work in pieces. Structural facts, checked with
 * 40,000 targets; the stalls themselves are measured by test/bench/big_load_bench.ts.
 */
import assert from "node:assert/strict";
import { Registry } from "../../src/base/prom.ts";
import { mergeTargets } from "../../src/targets/merge.ts";
import { createTargetManager } from "../../src/targets/manager.ts";
import { DECODE_CHUNK, parseTargetGroups } from "../../src/targets/sd_format.ts";
import { createScheduler, type JobSpec } from "../../src/schedule/scheduler.ts";
import { createWorkerPool } from "../../src/pool/worker_pool.ts";
import { fakeSource } from "../_support/sd_fake_source.ts";
import { manualClock } from "../_support/sd_manual_clock.ts";
import { FakeClock } from "../_support/fake_clock.ts";
import { largestTable } from "../_support/largest_table.ts";
import { bigSdBody, loopbackAddress } from "../_support/big_sd.ts";
import type { TargetGroup } from "../../src/targets/types.ts";

const N = 40_000;
/** No one table may hold more than an eighth of the targets. */
const BOUND = N / 8;
const addresses = Array.from({ length: N }, (_, i) => loopbackAddress(i));
const groups: TargetGroup[] = [{ targets: addresses.slice(0, N / 2), labels: {} }, {
  targets: addresses.slice(N / 2),
  labels: { rack: "b" },
}];

Deno.test("merging 40,000 targets builds no table of more than 5,000 keys", async () => {
  const source = fakeSource("a", groups);
  let merged = 0;
  const largest = await largestTable(() => {
    merged = mergeTargets([{ source, groups }]).length;
  });
  assert.equal(merged, N);
  assert.ok(largest <= BOUND, `a table of ${largest} keys`);
});

Deno.test("loading a 40,000-target source counts and merges it with no table of more than 5,000 keys", async () => {
  const source = fakeSource("a", groups);
  const registry = new Registry();
  await using manager = createTargetManager({
    sources: [source],
    registry,
    clock: manualClock(),
  });
  const stop = new AbortController();
  const largest = await largestTable(() => manager.start(stop.signal));
  assert.equal(manager.targets().length, N);
  assert.equal(manager.sourceStatus()[0]!.targets, N);
  assert.ok(largest <= BOUND, `a table of ${largest} keys`);
  stop.abort();
});

Deno.test("the scheduler adds and removes 40,000 jobs with no table of more than 5,000 keys", async () => {
  const clock = new FakeClock();
  const pool = createWorkerPool({ concurrency: 10, maxQueue: 100 });
  const scheduler = createScheduler({ clock, pool, globalRate: 1e6, perHostRate: 1e6 });
  const spec = (a: string): JobSpec => ({
    key: `tcp|${a}`,
    host: a.split(":")[0]!,
    intervalMs: 3_600_000,
    jitter: 1,
    version: "v1",
    run: () => Promise.resolve(),
  });
  const all = addresses.map(spec);
  const largest = await largestTable(async () => {
    assert.deepEqual(await scheduler.apply(all), {
      added: N,
      removed: 0,
      changed: 0,
      unchanged: 0,
    });
    assert.deepEqual(await scheduler.apply(all.slice(0, N / 4)), {
      added: 0,
      removed: N - N / 4,
      changed: 0,
      unchanged: N / 4,
    });
  });
  assert.equal(scheduler.jobs, N / 4);
  assert.equal(scheduler.has(all[0]!.key), true);
  assert.equal(scheduler.has(all[N - 1]!.key), false);
  assert.ok(largest <= BOUND, `a table of ${largest} keys`);
  await scheduler.stop();
});

Deno.test("an SD body is decoded at most 1 MiB per call, with the same groups", () => {
  const text = bigSdBody(150_000);
  const bytes = new TextEncoder().encode(text);
  assert.ok(bytes.byteLength > 2 * DECODE_CHUNK);
  const decode = TextDecoder.prototype.decode;
  let largest = 0;
  TextDecoder.prototype.decode = function (
    this: TextDecoder,
    input?: AllowSharedBufferSource,
    o?: TextDecodeOptions,
  ) {
    largest = Math.max(largest, input?.byteLength ?? 0);
    return decode.call(this, input, o);
  };
  let parsed;
  try {
    parsed = parseTargetGroups(bytes, { maxBytes: 1 << 26, maxTargets: 1e6 });
  } finally {
    TextDecoder.prototype.decode = decode;
  }
  assert.equal(parsed.length, 150);
  assert.equal(parsed.reduce((n, g) => n + g.targets.length, 0), 150_000);
  assert.equal(parsed[149]!.targets[999], loopbackAddress(149_999));
  assert.ok(largest <= DECODE_CHUNK, `one decode of ${largest} bytes`);
});

Deno.test("a multi-byte character split across two decode chunks comes out whole", () => {
  const PREFIX = '[{"targets":["a:1"],"labels":{"pad":"'.length + '","v":"'.length + 1;
  // "é" is 2 bytes: placed so that it straddles the first chunk boundary.
  const pad = "x".repeat(DECODE_CHUNK - PREFIX);
  const text = JSON.stringify([{ targets: ["a:1"], labels: { pad, v: "é" } }]);
  const bytes = new TextEncoder().encode(text);
  assert.equal(bytes[DECODE_CHUNK - 1], 0xc3, "the first byte of é ends the first chunk");
  const groups = parseTargetGroups(bytes, { maxBytes: 1 << 24 });
  assert.equal(groups[0]!.labels.v, "é");
  assert.equal(groups[0]!.labels.pad, pad);
  assert.throws(
    () => parseTargetGroups(new Uint8Array([0x5b, 0xff, 0x5d])),
    /body is not valid UTF-8/,
  );
});
