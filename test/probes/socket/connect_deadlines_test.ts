import assert from "node:assert/strict";
import { ConnectDeadlines } from "../../../src/probes/socket/connect_deadlines.ts";

interface Entry {
  name: string;
  deadline: number;
  done: boolean;
}
const entry = (name: string, ms: number): Entry => ({
  name,
  deadline: performance.now() + ms,
  done: false,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("ConnectDeadlines expires each entry at its deadline, skipping those done", async () => {
  const expired: string[] = [];
  const q = new ConnectDeadlines<Entry>((e, now) => {
    assert.ok(now >= e.deadline - 1, `${e.name} early by ${e.deadline - now} ms`);
    expired.push(e.name);
  });
  const [a, b, c, d] = [entry("a", 60), entry("b", 20), entry("c", 60), entry("d", 40)];
  q.add(a, 60);
  q.add(b, 20); // earlier than the armed timer: re-armed
  q.add(c, 60);
  q.add(d, 40);
  c.done = true;
  await sleep(120);
  assert.deepEqual(expired, ["b", "d", "a"]);
});

Deno.test("ConnectDeadlines.clear() stops the timer: nothing expires after it", async () => {
  const expired: string[] = [];
  const q = new ConnectDeadlines<Entry>((e) => expired.push(e.name));
  q.add(entry("a", 10), 10);
  q.clear();
  await sleep(40);
  assert.deepEqual(expired, []);
  q.add(entry("b", 10), 10); // usable again after a clear
  await sleep(40);
  assert.deepEqual(expired, ["b"]);
});

Deno.test("ConnectDeadlines keeps order over many entries of one timeout (compaction)", async () => {
  const expired: number[] = [];
  const q = new ConnectDeadlines<Entry & { i: number }>((e) => expired.push(e.i));
  for (let i = 0; i < 3000; i++) {
    const e = { ...entry(`e${i}`, 30), i };
    if (i % 3 === 0) e.done = true;
    q.add(e, 30);
  }
  await sleep(100);
  assert.equal(expired.length, 2000);
  assert.ok(expired.every((v, k) => k === 0 || v > expired[k - 1]!));
});
