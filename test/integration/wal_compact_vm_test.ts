/**
 * A compacted backlog pushed into a real VictoriaMetrics on loopback: the pusher (unchanged: it
 * sends the WAL records as they are) delivers exactly the WAL's samples, with many samples per
 * TimeSeries, and the WAL ends empty.
 */
import assert from "node:assert/strict";
import { Registry } from "../../src/base/prom.ts";
import { createPusher } from "../../src/push/pusher.ts";
import { systemClock } from "../../src/base/clock.ts";
import { openWal } from "../../src/wal/wal.ts";
import { recoverWal } from "../../src/wal/recover.ts";
import { startVictoriaMetrics } from "../_support/vm_server.ts";
import { pushTestConfig } from "../_support/push_config.ts";
import { fillWal, sampleKey, testWalOptions, walKeys } from "../_support/wal_compact_fixture.ts";

Deno.test("a pusher draining a compacted backlog delivers exactly the WAL's samples to VictoriaMetrics", async () => {
  await using vm = await startVictoriaMetrics();
  const dir = await Deno.makeTempDir({ prefix: "wal_compact_vm_" });
  try {
    // Several minutes of results ending a few minutes ago, queued while nothing was pushing.
    const base = Math.floor((Date.now() - 20 * 60_000) / 1000) * 1000;
    await fillWal(dir, 400, { tcp: 20, icmp: 2, base });
    const registry = new Registry();
    await using wal = await openWal(testWalOptions(dir, { compact: true, registry }));
    await wal.compaction();
    const sealed = (await recoverWal(dir, { repair: false })).index.segments.slice(0, -1);
    assert.ok(sealed.length >= 3 && sealed.every((s) => s.end !== undefined), "compacted");
    const canonical = (k: string) => {
      const [labels, ts, value] = k.split("|");
      return [`${labels!.split(",").sort().join(",")}|${ts}` as string, Number(value)] as const;
    };
    const expected = new Map((await walKeys(dir)).map(canonical));
    const samples = wal.stats().samples;
    assert.equal(expected.size, samples, "no two samples share series and timestamp");

    const pusher = createPusher({
      wal,
      config: pushTestConfig(vm.writeUrl),
      clock: systemClock,
      registry,
    });
    await pusher.start();
    for (let i = 0; i < 600 && wal.stats().pending_samples > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await pusher.stop();
    assert.equal(wal.stats().pending_samples, 0);
    assert.equal(wal.stats().segments, 1, "pushed segments deleted");

    const got = await vm.waitForSamples('{probe=~"tcp_https|icmp"}', samples);
    const keys: Array<readonly [string, number]> = [];
    for (const s of got) {
      const labels = Object.entries(s.metric) as [string, string][];
      s.timestamps.forEach((t, i) => keys.push(canonical(sampleKey(labels, t, s.values[i]!))));
    }
    assert.deepEqual(keys.map(([k]) => k).sort(), [...expected.keys()].sort());
    for (const [k, v] of keys) {
      // VictoriaMetrics stores values as decimals of ~12 significant digits.
      const want = expected.get(k)!;
      assert.ok(Math.abs(v - want) <= Math.abs(want) * 1e-11, `${k}: ${v} vs ${want}`);
    }
    assert.equal(await vm.rowsReceived(), samples, "each sample sent once");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
