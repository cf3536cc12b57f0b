/**
 * @module Crash-test fixture: appends numbered samples to a real WAL (fsync always) under load and
 * prints `ack N` once every sample up to N is durable, and `committing N` before it moves the push
 * position past the samples below N. Killed with SIGKILL by the test at random moments.
 *
 * Usage: deno run -A wal_appender.ts DIR [MAX_BATCHES]
 */
import { openWal } from "../../src/wal/wal.ts";
import { walValues } from "./wal_read_back.ts";
import { walTestOptions } from "./wal_test_options.ts";
import { sayLine } from "./say_line.ts";
import { seqBody } from "./wal_fixture.ts";

/** Appends until killed or `maxBatches` flushes are done. */
export async function runAppender(dir: string, maxBatches: number): Promise<void> {
  await using wal = await openWal(walTestOptions(dir, { segmentSize: 16 * 1024 }));
  // Continue after the highest sample already in the WAL.
  let next = 0;
  for (const v of await walValues(wal, { from: wal.pushPosition, maxBytes: 1 << 20 })) {
    next = Math.max(next, v + 1);
  }
  sayLine(`start ${next} corrupt ${wal.stats().corrupt_records}`);
  const history: Array<{ end: number; seq: number }> = [];
  for (let batch = 0; batch < maxBatches; batch++) {
    const n = 1 + Math.floor(Math.random() * 40);
    for (let i = 0; i < n; i++) {
      // Several appends per tick, several records per flush: exercises batching.
      wal.append(seqBody(next++), 1);
      if (Math.random() < 0.1) await Promise.resolve();
    }
    await wal.flush();
    if (wal.unwrittenBytes !== 0) throw new Error("Cannot flush: data left unwritten");
    sayLine(`ack ${next - 1}`);
    history.push({ end: wal.stats().end_offset, seq: next });
    if (batch % 25 === 24 && history.length > 10) {
      const old = history[history.length - 10]!;
      sayLine(`committing ${old.seq}`);
      await wal.commit(old.end);
    }
  }
}

if (import.meta.main) {
  const [dir, maxArg] = Deno.args;
  if (!dir) throw new TypeError("Cannot start: usage wal_appender.ts DIR [MAX_BATCHES]");
  await runAppender(dir, Number(maxArg ?? 100_000));
}
