/**
 * Crash safety of WAL compaction: a process compacting a backlog (and appending beside it, fsync
 * always) is killed with SIGKILL at random moments, 24 rounds; after each kill every segment is
 * either the old or the compacted one, every backlog sample is readable exactly once, every
 * acknowledged new sample is there, and nothing counts as corrupt, missing or stray.
 */
import assert from "node:assert/strict";
import { inspectWal } from "../../src/wal/inspect.ts";
import { recoverWal } from "../../src/wal/recover.ts";
import { openWal } from "../../src/wal/wal.ts";
import { fillWal, testWalOptions, walKeys } from "../_support/wal_compact_fixture.ts";

const DENO = Deno.execPath();
const FIXTURE = new URL("../_support/wal_compactor.ts", import.meta.url).pathname;
const ROUNDS = 24;
/** Key prefix of the fixture's own numbered samples (seqBody). */
const SEQ = "__name__=probe_success,probe=ssh,";

async function lines(stream: ReadableStream<Uint8Array>, onLine: (l: string) => void) {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    const all = rest.split("\n");
    rest = all.pop()!;
    all.forEach(onLine);
  }
}

Deno.test("WAL compaction keeps every sample across 24 SIGKILLs at random moments", async () => {
  const template = await Deno.makeTempDir({ prefix: "wal_compact_crash_tpl_" });
  const seed = Number(Deno.env.get("WAL_CRASH_SEED") ?? Date.now() % 1e9);
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  try {
    await fillWal(template, 200);
    const backlog = await walKeys(template);
    let compactedSeen = 0;
    let keptSeen = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const ctx = `seed ${seed}, round ${round}`;
      const dir = await Deno.makeTempDir({ prefix: "wal_compact_crash_" });
      try {
        for await (const e of Deno.readDir(template)) {
          await Deno.copyFile(`${template}/${e.name}`, `${dir}/${e.name}`);
        }
        const child = new Deno.Command(DENO, {
          args: ["run", "-A", FIXTURE, dir],
          stdout: "piped",
          stderr: "null",
        }).spawn();
        let lastAck = -1;
        let opened!: () => void;
        const open = new Promise<void>((r) => opened = r);
        const pump = lines(child.stdout, (l) => {
          if (l === "open") opened();
          else if (l.startsWith("ack ")) lastAck = Number(l.slice(4));
        });
        await Promise.race([open, child.status]);
        // Kill somewhere in the compaction (it takes a few hundred ms here), or just after it.
        await new Promise((r) => setTimeout(r, Math.floor(rand() * 400)));
        try {
          child.kill("SIGKILL");
        } catch { /* already exited */ }
        await child.status;
        await pump;

        const report = await inspectWal(dir);
        assert.equal(report.corrupt_records, 0, ctx);
        assert.equal(report.missing_segments, 0, ctx);
        assert.deepEqual(report.ignored_files, [], ctx);
        // Reopen (recovery repairs: removes a compaction cut short), then read what is there.
        await (await openWal(testWalOptions(dir)))[Symbol.asyncDispose]();
        const keys = await walKeys(dir);
        assert.deepEqual(keys.filter((k) => !k.startsWith(SEQ)), backlog, ctx);
        const acked = new Set(keys.filter((k) => k.startsWith(SEQ)).map((k) => k.split("|")[2]));
        for (let n = 0; n <= lastAck; n++) assert.ok(acked.has(String(n)), `${ctx}: sample ${n}`);
        for await (const e of Deno.readDir(dir)) {
          assert.ok(!e.name.endsWith(".compact"), `${ctx}: ${e.name} left after reopening`);
        }
        const rec = await recoverWal(dir, { repair: false });
        const sealed = rec.index.segments.slice(0, -1);
        compactedSeen += sealed.filter((s) => s.end !== undefined).length;
        keptSeen += sealed.filter((s) => s.end === undefined).length;
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    }
    // The kills landed before, during and after compaction.
    assert.ok(compactedSeen > 0 && keptSeen > 0, `seed ${seed}: ${compactedSeen}/${keptSeen}`);
  } finally {
    await Deno.remove(template, { recursive: true });
  }
});
