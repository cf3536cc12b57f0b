import assert from "node:assert/strict";
import { createSnapshotSource } from "../../src/http/scrape_snapshot.ts";
import { FakeClock } from "../_support/fake_clock.ts";

const decode = (pieces: readonly Uint8Array[]) =>
  pieces.map((p) => new TextDecoder().decode(p)).join("");

Deno.test("createSnapshotSource() renders once for scrapes that overlap", async () => {
  let calls = 0;
  const source = createSnapshotSource({
    render: () => {
      calls++;
      return Promise.resolve(["# a\n", `up ${calls}\n`]);
    },
  });
  const [a, b, c] = await Promise.all([source.take(), source.take(), source.take()]);
  assert.equal(a, b);
  assert.equal(b, c);
  assert.equal(decode(a!.pieces), "# a\nup 1\n");
  assert.equal(a!.bytes, 9);
  // Taken while the page is still being sent: the same page.
  const d = await source.take();
  assert.equal(d, a);
  assert.equal(source.renders, 1);
  for (const s of [a, b, c, d]) source.release(s!);
  // Nobody sends it any more: the next scrape gets a fresh page.
  const e = await source.take();
  assert.notEqual(e, a);
  assert.equal(decode(e.pieces), "# a\nup 2\n");
  assert.equal(source.renders, 2);
});

Deno.test("createSnapshotSource() does not hand out a page older than maxAgeMs", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const source = createSnapshotSource({
    render: () => Promise.resolve([`up ${++calls}\n`]),
    clock,
    maxAgeMs: 1000,
    sliceMs: Infinity,
  });
  const first = await source.take();
  clock.jump(999);
  assert.equal(await source.take(), first);
  clock.jump(1);
  const second = await source.take();
  assert.notEqual(second, first);
  assert.equal(decode(second.pieces), "up 2\n");
});

Deno.test("createSnapshotSource() yields to the event loop while it renders a large page", async () => {
  let timerRan = false;
  let piecesBeforeTimer = -1;
  let made = 0;
  const source = createSnapshotSource({
    render: () =>
      Promise.resolve((function* () {
        for (let i = 0; i < 2000; i++) {
          made++;
          const t = performance.now();
          while (performance.now() - t < 0.05) { /* about 50 µs of work per piece */ }
          yield `line_${i} 1\n`;
        }
      })()),
    sliceMs: 5,
  });
  setTimeout(() => {
    timerRan = true;
    piecesBeforeTimer = made;
  }, 0);
  const page = await source.take();
  assert.equal(page.pieces.length, 2000);
  assert.ok(timerRan);
  // The timer ran in the middle of the render (~100 ms of work), not after it.
  assert.ok(piecesBeforeTimer > 0 && piecesBeforeTimer < 2000, String(piecesBeforeTimer));
});

Deno.test("createSnapshotSource() passes a render error to every waiting scrape", async () => {
  const source = createSnapshotSource({ render: () => Promise.reject(new Error("boom")) });
  const results = await Promise.allSettled([source.take(), source.take()]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
});
