/**
 * Exact loss counts: damage costs records, bytes and samples, counted by the frame headers that
 * still parse; bytes where no header can be read are counted as such (their record count cannot be
 * known). Checked in `wal inspect --json`, the text output, `stats()` and the metrics.
 */
import assert from "node:assert/strict";
import type { Registry } from "../../src/base/prom.ts";
import { runCli } from "../_support/wal_cli.ts";
import { metricValue } from "../_support/wal_metrics.ts";
import { inspectThenOpen, N, range, segPath, values, withWal } from "../_support/wal_damage.ts";

interface Loss {
  records: number;
  samples: number;
  bytes: number;
  unparsed: number;
}

async function assertLoss(registry: Registry, report: Record<string, unknown>, loss: Loss) {
  assert.equal(report.corrupt_records, loss.records);
  assert.equal(report.corrupt_samples, loss.samples);
  assert.equal(report.corrupt_bytes, loss.bytes);
  assert.equal(report.corrupt_unparsed_bytes, loss.unparsed);
  assert.equal(await metricValue(registry, "vmprober_wal_corrupt_records_total"), loss.records);
  assert.equal(await metricValue(registry, "vmprober_wal_corrupt_samples_total"), loss.samples);
  assert.equal(await metricValue(registry, "vmprober_wal_corrupt_bytes_total"), loss.bytes);
  assert.equal(
    await metricValue(registry, "vmprober_wal_corrupt_unparsed_bytes_total"),
    loss.unparsed,
  );
}

Deno.test("recovery counts each record of a run of damaged records whose headers parse", async () => {
  await withWal(async (l) => {
    // Flip one payload byte in each of 4 consecutive records of the first segment.
    const k = 2;
    const path = segPath(l.dir, l.segments[0]!);
    const bytes = Deno.readFileSync(path);
    for (let i = k; i < k + 4; i++) bytes[l.records[i]!.offset + 20]! ^= 0x55;
    Deno.writeFileSync(path, bytes);
    assert.equal(l.records[k + 4]!.segment, l.segments[0]);
    const { report, registry, wal } = await inspectThenOpen(l.dir);
    await using _ = wal;
    const bytesLost = l.records[k + 4]!.offset - l.records[k]!.offset;
    await assertLoss(registry, report, { records: 4, samples: 4, bytes: bytesLost, unparsed: 0 });
    assert.equal(report.records, N - 4);
    assert.equal(wal.stats().corrupt_records, 4);
    const expected = range(0, N).filter((v) => v < k || v >= k + 4);
    assert.deepEqual(await values(wal), expected);
  });
});

Deno.test("recovery counts a zero-filled page: the record whose header survives, the rest in bytes", async () => {
  await withWal(async (l) => {
    const seg = l.segments[1]!;
    const inSeg = l.records.filter((r) => r.segment === seg);
    const first = inSeg[1]!;
    const z0 = first.offset + 20; // header and sample count of `first` survive
    const z1 = z0 + 400;
    const path = segPath(l.dir, seg);
    const bytes = Deno.readFileSync(path);
    bytes.fill(0, z0 - seg, z1 - seg);
    Deno.writeFileSync(path, bytes);
    const touched = l.records.filter((r) => r.offset + r.size > z0 && r.offset < z1);
    const intactAfter = l.records.find((r) => r.offset >= z1)!;
    assert.equal(intactAfter.segment, seg);
    assert.ok(touched.length >= 4);
    const { report, registry, wal } = await inspectThenOpen(l.dir);
    await using _ = wal;
    const regionBytes = intactAfter.offset - first.offset;
    await assertLoss(registry, report, {
      records: 1,
      samples: 1,
      bytes: regionBytes,
      unparsed: regionBytes - first.size,
    });
    assert.equal(report.records, N - touched.length);
    const text = await runCli(["wal", "inspect", "--dir", l.dir]);
    assert.match(
      text.stdout,
      new RegExp(
        `corrupt records: 1 \\(1 samples, ${regionBytes} bytes; ${
          regionBytes - first.size
        } of them unparsable, record count unknown\\)`,
      ),
    );
  });
});

Deno.test("recovery counts a segment cut mid-record: the torn record and the missing bytes", async () => {
  await withWal(async (l) => {
    const seg = l.segments[2]!;
    const next = l.segments[3]!;
    const inSeg = l.records.filter((r) => r.segment === seg);
    const torn = inSeg[2]!;
    const cutAt = torn.offset + 30;
    await Deno.truncate(segPath(l.dir, seg), cutAt - seg);
    const { report, registry, wal } = await inspectThenOpen(l.dir);
    await using _ = wal;
    await assertLoss(registry, report, { records: 1, samples: 1, bytes: 30, unparsed: 0 });
    assert.equal(report.missing_segments, 1);
    assert.equal(report.missing_bytes, next - cutAt);
    assert.equal(await metricValue(registry, "vmprober_wal_missing_bytes_total"), next - cutAt);
    assert.equal(report.records, N - (inSeg.length - 2));
    const lost = inSeg.slice(2).map((r) => l.records.indexOf(r));
    assert.deepEqual(await values(wal), range(0, N).filter((v) => !lost.includes(v)));
  });
});
