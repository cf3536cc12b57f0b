/**
 * A full disk (ENOSPC) on a real, small tmpfs the test mounts: appends pause (refused and counted),
 * `vmprober_wal_disk_full` is 1 and a log line says so; once space returns the held batch is written,
 * appends resume, and nothing already written is harmed (no torn or corrupt record).
 */
import assert from "node:assert/strict";
import { reset } from "@logtape/logtape";
import { Registry } from "../../src/base/prom.ts";
import { openWal } from "../../src/wal/wal.ts";
import { inspectWal } from "../../src/wal/inspect.ts";
import type { Wal } from "../../src/wal/types.ts";
import { decodeCompressed } from "../_support/wal_decode.ts";
import { manualClock, seqBody } from "../_support/wal_fixture.ts";
import { metricValue } from "../_support/wal_metrics.ts";
import { captureLogs } from "../_support/log_capture.ts";

async function sh(cmd: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`Cannot run ${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
}

async function values(wal: Wal): Promise<number[]> {
  const out: number[] = [];
  for (let offset = wal.pushPosition;;) {
    const es = await wal.read(offset, { maxBytes: 1 << 20 });
    if (es.length === 0) return out;
    for (const e of es) {
      out.push(...decodeCompressed(e.compressed).map((s) => s.value));
      offset = e.nextOffset;
    }
  }
}

/** Fills the filesystem at `path` with a ballast file until ENOSPC. */
async function fill(path: string): Promise<void> {
  using f = await Deno.open(path, { write: true, create: true });
  const chunk = new Uint8Array(4096).fill(7);
  try {
    for (let i = 0; i < 10_000; i++) await f.write(chunk);
  } catch (e) {
    if ((e as { code?: string }).code !== "ENOSPC") throw e;
    return;
  }
  throw new Error("Cannot fill the test filesystem: no ENOSPC");
}

Deno.test({
  name: "WAL pauses appends on ENOSPC, reports it, and resumes without damage when space returns",
  ignore: Deno.uid() !== 0,
  async fn() {
    const mnt = await Deno.makeTempDir({ prefix: "wal_tmpfs_" });
    const logs = await captureLogs(["vmprober", "wal"]);
    await sh("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt);
    try {
      const registry = new Registry();
      const clock = manualClock();
      await using wal = await openWal({
        dir: `${mnt}/wal`,
        segmentSize: 64 * 1024,
        maxSize: 1 << 30,
        fsync: "always",
        fsyncIntervalMs: 1000,
        registry,
        clock,
        retryMs: 500,
      });
      const accepted: number[] = [];
      let refused = 0;
      let seq = 0;
      for (; seq < 100; seq++) {
        assert.equal(wal.append(seqBody(seq), 1), true);
        accepted.push(seq);
      }
      await wal.flush();
      await fill(`${mnt}/ballast`);
      // Append until the disk is full: a few KiB fit in the ballast's last partial page at most.
      for (let i = 0; i < 5000 && !wal.stats().disk_full; i++) {
        for (let k = 0; k < 20; k++, seq++) {
          if (wal.append(seqBody(seq), 1)) accepted.push(seq);
        }
        await wal.flush();
      }
      assert.equal(wal.stats().disk_full, true);
      assert.equal(await metricValue(registry, "vmprober_wal_disk_full"), 1);
      assert.ok(wal.unwrittenBytes > 0, "the failed batch is held, not lost");
      for (let k = 0; k < 30; k++, seq++) {
        assert.equal(wal.append(seqBody(seq), 2), false);
        refused += 2;
      }
      assert.equal(
        await metricValue(registry, "vmprober_push_dropped_samples_total", { reason: "disk_full" }),
        refused,
      );
      assert.ok(
        logs.some((r) => r.level === "error" && String(r.message[0]).startsWith("WAL disk full")),
      );
      // Nothing on disk is torn or corrupt while full.
      const during = await inspectWal(`${mnt}/wal`);
      assert.equal(during.corrupt_records, 0);
      assert.equal(during.truncated_bytes, 0);
      const written = during.samples;
      assert.ok(written >= 100);

      // A retry while still full changes nothing.
      clock.fire();
      await wal.flush();
      assert.equal(wal.stats().disk_full, true);
      assert.deepEqual(clock.pending(), [500], "the next retry is armed");

      await Deno.remove(`${mnt}/ballast`);
      clock.fire();
      await wal.flush();
      assert.equal(wal.stats().disk_full, false);
      assert.equal(await metricValue(registry, "vmprober_wal_disk_full"), 0);
      assert.equal(wal.unwrittenBytes, 0);
      assert.ok(wal.stats().samples > written, "the held batch was written");
      assert.ok(logs.some((r) => String(r.message[0]).startsWith("WAL appends resumed")));
      for (let k = 0; k < 10; k++, seq++) {
        assert.equal(wal.append(seqBody(seq), 1), true);
        accepted.push(seq);
      }
      await wal.flush();
      assert.deepEqual(await values(wal), accepted);
      const after = await inspectWal(`${mnt}/wal`);
      assert.equal(after.corrupt_records, 0);
      assert.equal(after.truncated_bytes, 0);
      assert.equal(after.samples, accepted.length);
    } finally {
      await sh("umount", mnt);
      await Deno.remove(mnt, { recursive: true });
      await reset();
    }
  },
});
