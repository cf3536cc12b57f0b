/**
 * The cost of writing `push_sent` before each remote-write request (sent_batches.ts), with 1 and
 * 8 batches in flight. Run: `deno bench -A test/bench/sent_notes_bench.ts`.
 */
import { SENT_FILE, SentNotes } from "../../src/wal/sent_batches.ts";

const dir = Deno.makeTempDirSync({ prefix: "sent_bench_" });
const notes = new SentNotes(dir, SENT_FILE);
let at = 1_000_000_000;

Deno.bench("SentNotes.note(), 1 batch in flight", () => {
  at += 40_000;
  notes.note(at - 40_000, [at]);
});

Deno.bench("SentNotes.note(), 8 batches in flight", () => {
  at += 40_000;
  notes.note(at - 320_000, Array.from({ length: 8 }, (_, i) => at - 280_000 + i * 40_000));
});

globalThis.addEventListener("unload", () => {
  notes[Symbol.dispose]();
  Deno.removeSync(dir, { recursive: true });
});
