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

Deno.test("ConnectDeadlines drops ended entries of a far timeout while another stays live", () => {
  // A caller's socket (socket/tcp_socket.ts) waits with a far timeout and ends through its own
  // signal; with one such connect always pending the timer never fires and nothing is cleared.
  const q = new ConnectDeadlines<Entry>(() => assert.fail("nothing is due"));
  const far = 2 ** 31 - 1;
  let live = entry("live-0", far);
  q.add(live, far);
  for (let i = 1; i <= 10_000; i++) {
    const next = entry(`live-${i}`, far);
    q.add(next, far);
    live.done = true; // the older one ended by its signal; the newer one is still pending
    live = next;
  }
  assert.ok(q.held <= 2, `${q.held} entries held for 1 live connect`);
  q.clear();
});

Deno.test("ConnectDeadlines: timeouts that differ by fractions of a ms share one FIFO, in order", async () => {
  // A probe passes what is left of its timeout (`timeout - elapsed`): a float, new per probe.
  const expired: string[] = [];
  const q = new ConnectDeadlines<Entry>((e, now) => {
    assert.ok(now >= e.deadline - 1, `${e.name} early by ${e.deadline - now} ms`);
    expired.push(e.name);
  });
  for (let i = 0; i < 1000; i++) {
    const ms = 40 - i * 1e-4;
    q.add(entry(`e${i}`, ms), ms);
  }
  assert.equal(q.queues, 1);
  await sleep(120);
  assert.equal(expired.length, 1000);
});
