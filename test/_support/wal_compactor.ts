/**
 * @module Crash-test fixture for WAL compaction: opens a WAL with compaction on (fsync always),
 * prints `open`, then appends numbered samples (printing `ack N` once sample N is durable) while
 * the background compaction runs, prints `done` when it has finished. Killed by the test with
 * SIGKILL at random moments.
 *
 * Usage: deno run -A wal_compactor.ts DIR
 */
import { openWal } from "../../src/wal/wal.ts";
import { testWalOptions } from "./wal_compact_fixture.ts";
import { sayLine } from "./say_line.ts";
import { seqBody } from "./wal_fixture.ts";

if (import.meta.main) {
  const dir = Deno.args[0];
  if (!dir) throw new TypeError("Cannot start: usage wal_compactor.ts DIR");
  await using wal = await openWal(testWalOptions(dir, { compact: true }));
  sayLine("open");
  let finished = false;
  const compaction = wal.compaction().then(() => finished = true);
  for (let seq = 0; !finished && seq < 100_000; seq++) {
    wal.append(seqBody(seq), 1);
    await wal.flush();
    sayLine(`ack ${seq}`);
  }
  await compaction;
  sayLine("done");
}
