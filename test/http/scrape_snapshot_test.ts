import assert from "node:assert/strict";
import { createSnapshotSource, type PageCursor } from "../../src/http/scrape_snapshot.ts";
import { FakeClock } from "../_support/fake_clock.ts";

/** Reads a cursor to its end. */
function readAll(cursor: PageCursor): string {
  let text = "";
  for (let piece = cursor.next(); piece !== null; piece = cursor.next()) {
    text += new TextDecoder().decode(piece);
  }
  cursor.close();
  return text;
}

Deno.test("createSnapshotSource() renders once for scrapes that arrive together", async () => {
  let calls = 0;
  const source = createSnapshotSource({
    render: () => {
      calls++;
      return Promise.resolve(["# a\n", `up ${calls}\n`, "z 1\n"]);
    },
  });
  const [a, b, c] = await Promise.all([source.open(), source.open(), source.open()]);
  assert.equal(readAll(a), "# a\nup 1\nz 1\n");
  assert.equal(readAll(b), "# a\nup 1\nz 1\n");
  assert.equal(readAll(c), "# a\nup 1\nz 1\n");
  assert.equal(source.renders, 1);
  assert.equal(source.heldPieces, 0);
  // The page is over: the next scrape gets a fresh one.
  assert.equal(readAll(await source.open()), "# a\nup 2\nz 1\n");
  assert.equal(source.renders, 2);
});

Deno.test("createSnapshotSource() holds only the pieces between the slowest and the fastest reader", async () => {
  let made = 0;
  const source = createSnapshotSource({
    render: () =>
      Promise.resolve((function* () {
        for (let i = 0; i < 100; i++) {
          made++;
          yield `line_${i} 1\n`;
        }
      })()),
  });
  const [fast, slow] = await Promise.all([source.open(), source.open()]);
  assert.equal(made, 0, "nothing is made before a reader pulls");
  for (let i = 0; i < 10; i++) fast.next();
  assert.equal(made, 10);
  assert.equal(source.heldPieces, 10);
  for (let i = 0; i < 4; i++) slow.next();
  assert.equal(source.heldPieces, 6);
  // A reader that goes away releases what only it still needed.
  slow.close();
  assert.equal(source.heldPieces, 0);
  assert.match(readAll(fast), /^line_10 1\n[^]*line_99 1\n$/);
  assert.equal(source.heldPieces, 0);
});

Deno.test("createSnapshotSource() lets a scrape join only a young page that still has its start", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const source = createSnapshotSource({
    render: () => Promise.resolve([`up ${++calls}\n`, "z 1\n"]),
    clock,
    maxAgeMs: 1000,
  });
  const first = await source.open();
  clock.jump(999);
  const joined = await source.open();
  assert.equal(source.renders, 1);
  clock.jump(1);
  const tooLate = await source.open();
  assert.equal(source.renders, 2);
  first.next(); // page 1 keeps its first piece: `joined` has not read it yet
  const alsoJoined = await source.open(); // page 2 is young and whole: joined
  assert.equal(source.renders, 2);
  assert.equal(readAll(first), "z 1\n");
  assert.equal(readAll(joined), "up 1\nz 1\n");
  assert.equal(readAll(tooLate), "up 2\nz 1\n");
  assert.equal(readAll(alsoJoined), "up 2\nz 1\n");
  // A page whose first piece is gone takes no one: a late reader would miss the start.
  const a = await source.open();
  a.next();
  const b = await source.open();
  assert.equal(source.renders, 4);
  a.close();
  b.close();
});

Deno.test("createSnapshotSource() passes a render error to every reader", async () => {
  const failing = createSnapshotSource({ render: () => Promise.reject(new Error("boom")) });
  const results = await Promise.allSettled([failing.open(), failing.open()]);
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
  const midway = createSnapshotSource({
    render: () =>
      Promise.resolve((function* () {
        yield "a 1\n";
        throw new Error("state changed");
      })()),
  });
  const [x, y] = await Promise.all([midway.open(), midway.open()]);
  assert.equal(new TextDecoder().decode(x.next()!), "a 1\n");
  assert.throws(() => x.next(), /state changed/);
  assert.equal(new TextDecoder().decode(y.next()!), "a 1\n");
  assert.throws(() => y.next(), /state changed/);
});

Deno.test("createSnapshotSource() calls onPageDone once, when the last reader of a page leaves", async () => {
  let done = 0;
  const source = createSnapshotSource({
    render: () => Promise.resolve(["a 1\n", "b 1\n"]),
    onPageDone: () => done++,
  });
  const [a, b] = await Promise.all([source.open(), source.open()]);
  readAll(a);
  assert.equal(done, 0, "one reader is still on the page");
  b.next();
  b.close();
  b.close();
  assert.equal(done, 1);
  readAll(await source.open());
  assert.equal(done, 2, "a new page, done in its turn");
});

Deno.test("createSnapshotSource() calls onPageStart once per page, and onPageDone when a render fails", async () => {
  const calls: string[] = [];
  let fail = false;
  const source = createSnapshotSource({
    render: () => fail ? Promise.reject(new Error("boom")) : Promise.resolve(["a 1\n"]),
    onPageStart: () => calls.push("start"),
    onPageDone: () => calls.push("done"),
  });
  const [a, b] = await Promise.all([source.open(), source.open()]);
  readAll(a);
  readAll(b);
  assert.deepEqual(calls, ["start", "done"]);
  fail = true;
  await assert.rejects(source.open(), /boom/);
  assert.deepEqual(calls, ["start", "done", "start", "done"]);
});
