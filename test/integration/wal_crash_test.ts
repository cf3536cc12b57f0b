/**
 * Crash safety: a process appending to the WAL under load (fsync always) is killed with SIGKILL at
 * random moments, 60 rounds; after each kill every acknowledged sample is readable, in order, with
 * nothing missing in between, and the next process appends on. A few rounds do the same to the
 * real agent (`vmprober run`), checking that what `wal inspect` saw before the kill survives it.
 */
import assert from "node:assert/strict";
import { openWal } from "../../src/wal/wal.ts";
import { walValues } from "../_support/wal_read_back.ts";
import { walTestOptions } from "../_support/wal_test_options.ts";
import { inspectJson } from "../_support/wal_cli.ts";
import { mulberry32 } from "../_support/seeded_random.ts";

// The deno binary running the tests (not the npm wrapper script, which would not pass on signals).
const DENO = Deno.execPath();
const APPENDER = new URL("../_support/wal_appender.ts", import.meta.url).pathname;
const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
const FLAGS = Deno.readTextFileSync(new URL("../../scripts/deno_flags", import.meta.url)).trim()
  .split(/\s+/);
const ROUNDS = 60;

/** Reads lines from a child's stdout, calling `onLine` for each. */
async function pumpLines(stream: ReadableStream<Uint8Array>, onLine: (l: string) => void) {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    const lines = rest.split("\n");
    rest = lines.pop()!;
    lines.forEach(onLine);
  }
}

/** Every sample value from the push position, via a fresh open (which runs recovery). */
async function readBack(dir: string): Promise<{ values: number[]; corrupt: number }> {
  await using wal = await openWal(walTestOptions(dir, { segmentSize: 16 * 1024 }));
  const values = await walValues(wal, { from: wal.pushPosition, maxBytes: 1 << 20 });
  return { values, corrupt: wal.stats().corrupt_records };
}

Deno.test("WAL keeps every acknowledged sample across 60 SIGKILLs at random moments", async () => {
  const seed = Number(Deno.env.get("WAL_CRASH_SEED") ?? Date.now() % 1e9);
  const rand = mulberry32(seed);
  const dir = await Deno.makeTempDir({ prefix: "wal_crash_" });
  let lastAck = -1;
  let committing = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const ctx = `seed ${seed}, round ${round}`;
      const child = new Deno.Command(DENO, {
        args: ["run", "-A", APPENDER, dir, "20000"],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      let started: () => void;
      const firstAck = new Promise<void>((r) => started = r);
      let start = -1;
      const pump = pumpLines(child.stdout, (line) => {
        const [kind, n] = line.split(" ");
        if (kind === "start") start = Number(n);
        if (kind === "ack") {
          lastAck = Math.max(lastAck, Number(n));
          started();
        }
        if (kind === "committing") committing = Number(n);
      });
      const stderr = new Response(child.stderr).text();
      await Promise.race([firstAck, child.status]);
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 120)));
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      const status = await child.status;
      await pump;
      assert.equal(status.signal, "SIGKILL", `${ctx}: appender ended early: ${await stderr}`);
      assert.ok(start >= 0, `${ctx}: appender never started`);

      const { values, corrupt } = await readBack(dir);
      assert.equal(corrupt, 0, `${ctx}: corrupt records`);
      assert.ok(values.length > 0, `${ctx}: WAL empty`);
      assert.ok(
        values[0]! <= committing,
        `${ctx}: lost samples from ${committing} to ${values[0]}`,
      );
      for (let i = 1; i < values.length; i++) {
        if (values[i] !== values[i - 1]! + 1) {
          assert.fail(`${ctx}: sample ${values[i - 1]} followed by ${values[i]}`);
        }
      }
      assert.ok(values.at(-1)! >= lastAck, `${ctx}: acked ${lastAck}, last ${values.at(-1)}`);
    }
    // After the last kill the WAL still takes appends.
    await using wal = await openWal(walTestOptions(dir, { segmentSize: 16 * 1024 }));
    const before = wal.stats().samples;
    assert.equal(wal.append(new Uint8Array([0x0a, 0x00]), 1), true);
    await wal.flush();
    assert.equal(wal.stats().samples, before + 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the real agent's WAL survives SIGKILL: what inspect saw is still there", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wal_agent_crash_" });
  const rand = mulberry32(7);
  try {
    const port = 19_500 + Math.floor(Math.random() * 400);
    const config = `${dir}/vmprober.yaml`;
    Deno.writeTextFileSync(
      config,
      [
        `agent: { listen: "127.0.0.1:${port}", log: { level: warning, format: json } }`,
        "defaults: { interval: 100ms, timeout: 50ms, retries: 0 }",
        `probes: { self: { type: tcp, port: ${port} }, closed: { type: tcp, port: 1 } }`,
        "targets:",
        `  - static: { targets: [${
          Array.from({ length: 50 }, (_, i) => `"127.0.0.${i + 1}"`).join(", ")
        }] }`,
        "    probes: [self, closed]",
        `wal: { dir: "${dir}/wal", fsync: always, segment_size: 64KiB }`,
      ].join("\n"),
    );
    // Samples, not records: compaction of sealed segments may merge records while the agent runs.
    let lastSamples = 0;
    for (let round = 0; round < 4; round++) {
      const child = new Deno.Command(DENO, {
        args: ["run", ...FLAGS, MAIN, "run", "--config", config],
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const stderr = new Response(child.stderr).text();
      // Wait (bounded) until this run has appended something.
      let seen = lastSamples;
      for (let i = 0; i < 100 && seen <= lastSamples; i++) {
        await new Promise((r) => setTimeout(r, 50));
        try {
          seen = Number((await inspectJson(`${dir}/wal`)).samples);
        } catch { /* the agent has not created the WAL yet */ }
      }
      if (seen <= lastSamples) {
        child.kill("SIGKILL");
        await child.status;
        assert.fail(`round ${round}: the agent appended nothing: ${await stderr}`);
      }
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 200)));
      child.kill("SIGKILL");
      await child.status;
      await stderr;
      const after = await inspectJson(`${dir}/wal`);
      assert.equal(after.corrupt_records, 0);
      assert.ok(Number(after.samples) >= seen, `round ${round}: ${after.samples} < ${seen}`);
      const { values, corrupt } = await readBack(`${dir}/wal`);
      assert.equal(corrupt, 0);
      assert.equal(values.length, after.samples);
      lastSamples = Number(after.samples);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
