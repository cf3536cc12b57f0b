/**
 * Things planted at the push-position path (a directory, symlinks, a fifo, a huge sparse file) and
 * at its temporary name: inspect reports them without hanging or changing anything, and opening the
 * WAL sets them aside in `quarantine/`, pushes again from the oldest segment and writes a good
 * position file. Also the real agent: it starts (no exit 2) and serves /metrics.
 */
import assert from "node:assert/strict";
import { POSITION_FILE, POSITION_TMP, writePosition } from "../../src/wal/position.ts";
import { startAgentProcess } from "../_support/agent_process.ts";
import { inspectJson } from "../_support/wal_cli.ts";
import { metricValue } from "../_support/wal_metrics.ts";
import {
  buildWal,
  inspectThenOpen,
  type Layout,
  N,
  range,
  values,
} from "../_support/wal_damage.ts";

async function mkfifo(path: string): Promise<void> {
  const r = await new Deno.Command("mkfifo", { args: [path] }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
}

const shapes: Record<string, (path: string, l: Layout) => Promise<void>> = {
  "a directory": async (p) => {
    await Deno.mkdir(p);
    await Deno.writeTextFile(`${p}/inside`, "x");
  },
  "a symlink to itself (ELOOP)": (p) => Deno.symlink(POSITION_FILE, p),
  "a symlink to a directory": (p, l) => Deno.symlink(l.dir, p),
  "a fifo": (p) => mkfifo(p),
  "a huge sparse file": async (p) => {
    const f = await Deno.open(p, { write: true, create: true });
    await f.truncate(8 * 1024 ** 3);
    f.close();
  },
};

for (const [what, plant] of Object.entries(shapes)) {
  Deno.test(`recovery sets aside ${what} at push_position and pushes from the oldest segment`, async () => {
    const l = await buildWal();
    try {
      await writePosition(l.dir, l.records[10]!.offset);
      await Deno.remove(`${l.dir}/${POSITION_FILE}`);
      await plant(`${l.dir}/${POSITION_FILE}`, l);
      const { report, registry, wal } = await inspectThenOpen(l.dir);
      await using _ = wal;
      assert.equal(report.position_file, "corrupt");
      assert.equal(report.push_position, 0);
      assert.equal(report.pending_samples, N);
      assert.deepEqual(report.ignored_files, []);
      assert.equal(wal.pushPosition, 0);
      assert.deepEqual(await values(wal), range(0, N));
      assert.equal(
        await metricValue(registry, "vmprober_wal_recovery_events_total", {
          kind: "position_corrupt",
        }),
        1,
      );
      assert.ok(Deno.lstatSync(`${l.dir}/quarantine/${POSITION_FILE}`));
      assert.ok(Deno.lstatSync(`${l.dir}/${POSITION_FILE}`).isFile);
      await wal.commit(l.records[5]!.offset);
      const again = await inspectJson(l.dir);
      assert.equal(again.position_file, "ok");
      assert.equal(again.pending_samples, N - 5);
    } finally {
      await Deno.remove(l.dir, { recursive: true });
    }
  });
}

Deno.test("recovery sets aside a directory at push_position.tmp and can save positions", async () => {
  const l = await buildWal();
  try {
    await Deno.mkdir(`${l.dir}/${POSITION_TMP}`);
    const { report, wal } = await inspectThenOpen(l.dir);
    await using _ = wal;
    assert.deepEqual(report.ignored_files, []);
    await wal.commit(l.records[3]!.offset);
    assert.equal((await inspectJson(l.dir)).pending_samples, N - 3);
    assert.ok(Deno.statSync(`${l.dir}/quarantine/${POSITION_TMP}`).isDirectory);
  } finally {
    await Deno.remove(l.dir, { recursive: true });
  }
});

Deno.test("the agent starts with a directory at push_position and pushes from the oldest segment", async () => {
  const l = await buildWal();
  const config = `${l.dir}.yaml`;
  try {
    await Deno.mkdir(`${l.dir}/${POSITION_FILE}`);
    Deno.writeTextFileSync(
      config,
      [
        'agent: { listen: "127.0.0.1:0" }',
        "probes: { ssh: { type: tcp, port: 22 } }",
        "targets: []",
        `wal: { dir: "${l.dir}", segment_size: 1KiB }`,
        // Nothing listens there: the agent keeps the data and retries.
        'push: { url: "http://127.0.0.1:9/api/v1/write" }',
      ].join("\n"),
    );
    await using agent = await startAgentProcess(config);
    const metrics = await agent.metrics();
    assert.match(metrics, /vmprober_wal_pending_samples \d+/);
    assert.equal(Number(/vmprober_wal_pending_samples (\d+)/.exec(metrics)![1]), N);
    assert.match(metrics, /vmprober_wal_recovery_events_total\{kind="position_corrupt"\} 1/);
    assert.match(agent.log(), /push position file is corrupt/);
    assert.equal(await agent.stop(), 0);
  } finally {
    await Deno.remove(config).catch(() => {});
    await Deno.remove(l.dir, { recursive: true });
  }
});
