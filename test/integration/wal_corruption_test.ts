/**
 * Planted damage in a real WAL directory: each case is read by the real CLI
 * (`vmprober wal inspect --json`, which must not change anything) and then opened by the WAL,
 * with exact counts in both and every undamaged record still readable in order.
 */
import assert from "node:assert/strict";
import { Registry } from "../../src/base/prom.ts";
import { openWal } from "../../src/wal/wal.ts";
import { POSITION_FILE, writePosition } from "../../src/wal/position.ts";
import { inspectJson, runCli } from "../_support/wal_cli.ts";
import { metricValue } from "../_support/wal_metrics.ts";
import {
  assertAppendsWork,
  buildWal,
  damageOptions as options,
  inspectThenOpen,
  N,
  range,
  segPath,
  values,
} from "../_support/wal_damage.ts";

Deno.test("recovery cuts a torn last record (truncated last segment)", async () => {
  const l = await buildWal();
  try {
    const last = l.records.at(-1)!;
    await Deno.truncate(segPath(l.dir, last.segment), last.offset - last.segment + 5);
    const { report, registry, wal } = await inspectThenOpen(l.dir);
    await using _ = wal;
    assert.equal(report.records, N - 1);
    assert.equal(report.samples, N - 1);
    assert.equal(report.pending_samples, N - 1);
    assert.equal(report.truncated_bytes, 5);
    assert.equal(report.corrupt_records, 0);
    assert.equal(
      await metricValue(registry, "vmprober_wal_recovery_events_total", { kind: "torn_tail" }),
      1,
    );
    assert.equal(await metricValue(registry, "vmprober_wal_corrupt_records_total"), 0);
    assert.equal(Deno.statSync(segPath(l.dir, last.segment)).size, last.offset - last.segment);
    await assertAppendsWork(wal, range(0, N - 1));
  } finally {
    await Deno.remove(l.dir, { recursive: true });
  }
});

Deno.test("recovery skips and counts a record with a flipped byte, and reads on after it", async () => {
  const l = await buildWal();
  try {
    const k = 3; // a middle record of the first segment
    const victim = l.records[k]!;
    assert.equal(l.records[k + 1]!.segment, victim.segment);
    const path = segPath(l.dir, victim.segment);
    const bytes = Deno.readFileSync(path);
    bytes[victim.offset - victim.segment + 20]! ^= 0xff;
    Deno.writeFileSync(path, bytes);
    const { report, registry, wal } = await inspectThenOpen(l.dir);
    await using _ = wal;
    assert.equal(report.corrupt_records, 1);
    assert.equal(report.records, N - 1);
    assert.equal(report.pending_samples, N - 1);
    assert.equal(report.truncated_bytes, 0);
    assert.equal(wal.stats().corrupt_records, 1);
    assert.equal(await metricValue(registry, "vmprober_wal_corrupt_records_total"), 1);
    const expected = range(0, N).filter((v) => v !== k);
    assert.deepEqual(await values(wal), expected);
    await assertAppendsWork(wal, expected);
  } finally {
    await Deno.remove(l.dir, { recursive: true });
  }
});

Deno.test("recovery cuts a zero-filled tail", async () => {
  const l = await buildWal();
  try {
    const lastSeg = l.segments.at(-1)!;
    const f = await Deno.open(segPath(l.dir, lastSeg), { append: true });
    await f.write(new Uint8Array(4000));
    f.close();
    const { report, registry, wal } = await inspectThenOpen(l.dir);
    await using _ = wal;
    assert.equal(report.truncated_bytes, 4000);
    assert.equal(report.records, N);
    assert.equal(report.corrupt_records, 0);
    assert.equal(
      await metricValue(registry, "vmprober_wal_recovery_events_total", { kind: "torn_tail" }),
      1,
    );
    await assertAppendsWork(wal, range(0, N));
  } finally {
    await Deno.remove(l.dir, { recursive: true });
  }
});

Deno.test("recovery counts a missing segment and reads the segments after it", async () => {
  const l = await buildWal();
  try {
    const gone = l.segments[1]!;
    Deno.removeSync(segPath(l.dir, gone));
    const lost = l.records.map((r, i) => r.segment === gone ? i : -1).filter((i) => i >= 0);
    assert.ok(lost.length > 0);
    const { report, registry, wal } = await inspectThenOpen(l.dir);
    await using _ = wal;
    assert.equal(report.missing_segments, 1);
    assert.equal(report.segments, l.segments.length - 1);
    assert.equal(report.records, N - lost.length);
    assert.equal(report.corrupt_records, 0);
    assert.equal(
      await metricValue(registry, "vmprober_wal_recovery_events_total", {
        kind: "missing_segment",
      }),
      1,
    );
    const expected = range(0, N).filter((v) => !lost.includes(v));
    assert.deepEqual(await values(wal), expected);
    await assertAppendsWork(wal, expected);
  } finally {
    await Deno.remove(l.dir, { recursive: true });
  }
});

Deno.test("recovery ignores stray files and cuts a garbage segment at the end", async () => {
  const l = await buildWal();
  try {
    Deno.writeTextFileSync(`${l.dir}/notes.txt`, "not a segment");
    Deno.mkdirSync(`${l.dir}/lost+found`);
    const end = l.records.at(-1)!.offset + l.records.at(-1)!.size;
    const garbage = new Uint8Array(700);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) & 0xff;
    Deno.writeFileSync(segPath(l.dir, end), garbage);
    const report = await inspectJson(l.dir);
    assert.deepEqual(report.ignored_files, ["lost+found", "notes.txt"]);
    assert.equal(report.records, N);
    assert.equal(report.truncated_bytes, 700);
    assert.equal(report.corrupt_records, 0);
    const registry = new Registry();
    await using wal = await openWal(options(l.dir, registry));
    assert.equal(
      await metricValue(registry, "vmprober_wal_recovery_events_total", { kind: "ignored_file" }),
      2,
    );
    assert.ok(Deno.statSync(`${l.dir}/notes.txt`).isFile, "stray files are left alone");
    await assertAppendsWork(wal, range(0, N));
  } finally {
    await Deno.remove(l.dir, { recursive: true });
  }
});

Deno.test("recovery replays everything from the start when the position file is corrupt", async () => {
  const l = await buildWal();
  try {
    await writePosition(l.dir, l.records[10]!.offset);
    assert.equal((await inspectJson(l.dir)).pending_samples, N - 10);
    Deno.writeTextFileSync(`${l.dir}/${POSITION_FILE}`, "12x4 deadbeef\n");
    const { report, registry, wal } = await inspectThenOpen(l.dir);
    await using _ = wal;
    assert.equal(report.position_file, "corrupt");
    assert.equal(report.pending_samples, N);
    assert.equal(report.push_position, 0);
    assert.equal(
      await metricValue(registry, "vmprober_wal_recovery_events_total", {
        kind: "position_corrupt",
      }),
      1,
    );
    assert.deepEqual(await values(wal), range(0, N));
    assert.equal((await inspectJson(l.dir)).position_file, "ok", "rewritten on open");
  } finally {
    await Deno.remove(l.dir, { recursive: true });
  }
});

Deno.test("recovery clamps a position past the end of the log", async () => {
  const l = await buildWal();
  try {
    await writePosition(l.dir, 10_000_000);
    const { report, wal } = await inspectThenOpen(l.dir);
    await using _ = wal;
    assert.equal(report.position_file, "clamped");
    assert.equal(report.pending_samples, 0);
    await assertAppendsWork(wal, []);
  } finally {
    await Deno.remove(l.dir, { recursive: true });
  }
});

Deno.test("wal inspect prints text, and exits 2 for a missing directory and 1 for a bad flag", async () => {
  const l = await buildWal();
  try {
    const text = await runCli(["wal", "inspect", "--dir", l.dir]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, new RegExp(`records: +${N}\\n`));
    assert.match(text.stdout, /corrupt records: 0/);
    const missing = await runCli(["wal", "inspect", "--dir", `${l.dir}/nope`, "--json"]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.trim(), `Cannot inspect WAL ${l.dir}/nope: no such directory`);
    const bad = await runCli(["wal", "inspect", "--frob"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^Cannot parse --frob: unknown option/);
  } finally {
    await Deno.remove(l.dir, { recursive: true });
  }
});

Deno.test("wal inspect takes the directory from --config, and exits 1 on a bad config", async () => {
  const l = await buildWal();
  try {
    const config = `${l.dir}.yaml`;
    const probes = "probes: { ssh: { type: tcp, port: 22 } }\ntargets: []\n";
    Deno.writeTextFileSync(config, `${probes}wal: { dir: "${l.dir}" }\n`);
    const ok = await runCli(["wal", "inspect", "--config", config, "--json"]);
    assert.equal(ok.code, 0, ok.stderr);
    const report = JSON.parse(ok.stdout);
    assert.equal(report.dir, l.dir);
    assert.equal(report.records, N);
    Deno.writeTextFileSync(config, `${probes}wal: { dri: "${l.dir}" }\n`);
    const bad = await runCli(["wal", "inspect", "--config", config]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, new RegExp(`^${config}:3:\\d+: wal`));
    Deno.removeSync(config);
  } finally {
    await Deno.remove(l.dir, { recursive: true });
  }
});
