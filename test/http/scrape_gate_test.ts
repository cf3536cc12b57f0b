import assert from "node:assert/strict";
import { createScrapeGate } from "../../src/http/scrape_gate.ts";
import { createSnapshotSource } from "../../src/http/scrape_snapshot.ts";
import { Registry } from "../../src/base/prom.ts";
import { FakeClock } from "../_support/fake_clock.ts";

function setup(maxConcurrent = 2) {
  const clock = new FakeClock();
  const registry = new Registry();
  const snapshots = createSnapshotSource({
    render: () => Promise.resolve(["# page\n", "a 1\n", "b 2\n"]),
    clock,
  });
  const gate = createScrapeGate({ snapshots, maxConcurrent, timeoutMs: 30_000, clock, registry });
  const rejected = async (reason: string) => {
    const text = await registry.metrics();
    return Number(
      new RegExp(`vmprober_http_rejected_total\\{reason="${reason}"\\} (\\d+)`).exec(text)?.[1],
    );
  };
  return { clock, gate, snapshots, rejected };
}

Deno.test("createScrapeGate() refuses past maxConcurrent, counted, and frees a slot per answer", async () => {
  const { gate, snapshots, rejected } = setup(2);
  const a = await gate.open();
  const b = await gate.open();
  assert.ok(a && b);
  assert.equal(gate.inFlight, 2);
  assert.equal(await gate.open(), null);
  assert.equal(await rejected("too_many_scrapes"), 1);
  assert.equal(await rejected("write_timeout"), 0);
  assert.equal(await new Response(a).text(), "# page\na 1\nb 2\n");
  assert.equal(gate.inFlight, 1);
  // A client that goes away frees its slot too.
  await b.cancel();
  assert.equal(gate.inFlight, 0);
  const c = await gate.open();
  assert.equal(await new Response(c).text(), "# page\na 1\nb 2\n");
  assert.equal(snapshots.renders, 2);
});

Deno.test("createScrapeGate() cuts an answer not read within timeoutMs and frees its slot", async () => {
  const { clock, gate, rejected } = setup(1);
  const stuck = (await gate.open())!;
  const reader = stuck.getReader();
  assert.equal(new TextDecoder().decode((await reader.read()).value), "# page\n");
  assert.equal(await gate.open(), null);
  await clock.advance(30_000);
  assert.equal(await rejected("write_timeout"), 1);
  assert.equal(gate.inFlight, 0);
  await assert.rejects(async () => {
    for (;;) if ((await reader.read()).done) break;
  }, /not read within the timeout/);
  const next = await gate.open();
  assert.equal(await new Response(next).text(), "# page\na 1\nb 2\n");
});

Deno.test("createScrapeGate() frees the slot when rendering fails", async () => {
  const gate = createScrapeGate({
    snapshots: createSnapshotSource({ render: () => Promise.reject(new Error("boom")) }),
    maxConcurrent: 1,
    timeoutMs: 1000,
  });
  await assert.rejects(gate.open(), /boom/);
  assert.equal(gate.inFlight, 0);
});
