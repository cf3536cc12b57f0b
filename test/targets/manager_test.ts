import assert from "node:assert/strict";
import type { Logger } from "@logtape/logtape";
import { Registry } from "../../src/base/prom.ts";
import { createTargetManager } from "../../src/targets/manager.ts";
import { SourceError } from "../../src/targets/source_error.ts";
import type { Target } from "../../src/targets/types.ts";
import { fakeSource } from "../_support/sd_fake_source.ts";
import { manualClock } from "../_support/sd_manual_clock.ts";

function recordingLogger() {
  const lines: string[] = [];
  const rec = (level: string) => (msg: string, props?: Record<string, unknown>) =>
    lines.push(`${level} ${msg.replace(/\{(\w+)\}/g, (_, k) => String(props?.[k]))}`);
  const logger = { debug: rec("debug"), info: rec("info"), warn: rec("warn"), error: rec("error") };
  return { lines, logger: logger as unknown as Logger };
}

async function metric(registry: Registry, name: string): Promise<string[]> {
  return (await registry.metrics()).split("\n").filter((l) => l.startsWith(name + "{"));
}

const addresses = (targets: Target[]) => targets.map((t) => t.address);

Deno.test("TargetManager.start() loads every source; a failing one starts empty", async () => {
  const registry = new Registry();
  const clock = manualClock();
  const ok = fakeSource("ok", [{ targets: ["a", "b"], labels: {} }], { refreshMs: 1000 });
  const bad = fakeSource("bad", new SourceError("network", "http://x/sd: connection refused"), {
    refreshMs: 1000,
  });
  const { logger, lines } = recordingLogger();
  await using manager = createTargetManager({ sources: [ok, bad], registry, clock, logger });
  await manager.start(new AbortController().signal);
  assert.deepEqual(addresses(manager.targets()), ["a", "b"]);
  assert.deepEqual(manager.sourceStatus().map((s) => [s.name, s.state, s.targets, s.lastError]), [
    ["ok", "ok", 2, null],
    ["bad", "failing", 0, "http://x/sd: connection refused"],
  ]);
  // The two sources load concurrently: their lines come in either order.
  assert.deepEqual([...lines].sort(), [
    "info Target source ok loaded: 2 targets",
    "warn Target source bad failing, keeping its last 0 targets: http://x/sd: connection refused",
  ]);
  assert.deepEqual(await metric(registry, "vmprober_sd_targets"), [
    'vmprober_sd_targets{source="ok"} 2',
    'vmprober_sd_targets{source="bad"} 0',
  ]);
  assert.deepEqual(
    (await metric(registry, "vmprober_sd_refresh_failures_total")).filter((l) => !l.endsWith(" 0")),
    ['vmprober_sd_refresh_failures_total{source="bad",reason="network"} 1'],
  );
  assert.deepEqual(await metric(registry, "vmprober_sd_last_success_timestamp_seconds"), [
    'vmprober_sd_last_success_timestamp_seconds{source="ok"} 1700000000',
  ]);
});

Deno.test("TargetManager keeps a failing source's last good targets and logs once per state change", async () => {
  const registry = new Registry();
  const clock = manualClock();
  const src = fakeSource("cmdb", [{ targets: ["h1", "h2"], labels: { dc: "x" } }], {
    refreshMs: 1000,
  });
  const { logger, lines } = recordingLogger();
  await using manager = createTargetManager({ sources: [src], registry, clock, logger });
  const changes: string[][] = [];
  manager.onChange((t) => changes.push(addresses(t)));
  await manager.start(new AbortController().signal);
  src.next = new SourceError("http_status", "http://x/sd: HTTP 500");
  await clock.advance(1000);
  src.next = new SourceError("format", "http://x/sd: invalid JSON");
  await clock.advance(1000);
  assert.equal(src.loads, 3);
  assert.deepEqual(addresses(manager.targets()), ["h1", "h2"]);
  const [status] = manager.sourceStatus();
  assert.equal(status!.state, "failing");
  assert.equal(status!.consecutiveFailures, 2);
  assert.equal(status!.lastErrorReason, "format");
  assert.equal(status!.lastSuccess, "2023-11-14T22:13:20.000Z");
  src.next = [{ targets: ["h2", "h3"], labels: { dc: "x" } }];
  await clock.advance(1000);
  assert.deepEqual(addresses(manager.targets()), ["h2", "h3"]);
  assert.deepEqual(changes, [["h1", "h2"], ["h2", "h3"]]);
  assert.deepEqual(lines, [
    "info Target source cmdb loaded: 2 targets",
    "warn Target source cmdb failing, keeping its last 2 targets: http://x/sd: HTTP 500",
    "info Target source cmdb recovered: 2 targets",
  ]);
  assert.deepEqual(
    (await metric(registry, "vmprober_sd_refresh_failures_total")).filter((l) => !l.endsWith(" 0")),
    [
      'vmprober_sd_refresh_failures_total{source="cmdb",reason="format"} 1',
      'vmprober_sd_refresh_failures_total{source="cmdb",reason="http_status"} 1',
    ],
  );
  assert.deepEqual(await metric(registry, "vmprober_sd_last_success_timestamp_seconds"), [
    'vmprober_sd_last_success_timestamp_seconds{source="cmdb"} 1700000003',
  ]);
});

Deno.test("TargetManager coalesces change notifications into one load after the debounce", async () => {
  const clock = manualClock();
  const src = fakeSource("files", [{ targets: ["a"], labels: {} }]);
  const { logger } = recordingLogger();
  await using manager = createTargetManager({
    sources: [src],
    registry: new Registry(),
    clock,
    logger,
    watchDebounceMs: 200,
  });
  await manager.start(new AbortController().signal);
  src.next = [{ targets: ["a", "b"], labels: {} }];
  src.notify();
  src.notify();
  await clock.advance(100);
  src.notify();
  assert.equal(src.loads, 1);
  await clock.advance(100);
  assert.equal(src.loads, 2);
  assert.deepEqual(addresses(manager.targets()), ["a", "b"]);
});

Deno.test("TargetManager.onChange() is not called when a refresh changes nothing", async () => {
  const clock = manualClock();
  const src = fakeSource("s", [{ targets: ["a"], labels: {} }], { refreshMs: 10 });
  await using manager = createTargetManager({
    sources: [src],
    registry: new Registry(),
    clock,
    logger: recordingLogger().logger,
  });
  let calls = 0;
  manager.onChange(() => calls++);
  await manager.start(new AbortController().signal);
  await clock.advance(10);
  await clock.advance(10);
  assert.equal(src.loads, 3);
  assert.equal(calls, 1);
});

Deno.test("TargetManager.update() keeps unchanged sources, reloads changed ones, drops removed ones", async () => {
  const registry = new Registry();
  const clock = manualClock();
  const keep = fakeSource("keep", [{ targets: ["k"], labels: {} }], { refreshMs: 1000 });
  const change = fakeSource("change", [{ targets: ["c1"], labels: {} }], { fingerprint: "v1" });
  const gone = fakeSource("gone", [{ targets: ["g"], labels: {} }]);
  await using manager = createTargetManager({
    sources: [keep, change, gone],
    registry,
    clock,
    logger: recordingLogger().logger,
  });
  await manager.start(new AbortController().signal);
  assert.deepEqual(addresses(manager.targets()), ["k", "c1", "g"]);

  const keepAgain = fakeSource("keep", [{ targets: ["SHOULD-NOT-LOAD"], labels: {} }]);
  const changed = fakeSource("change", [{ targets: ["c2"], labels: {} }], { fingerprint: "v2" });
  const added = fakeSource("new", [{ targets: ["n"], labels: {} }]);
  await manager.update([keepAgain, changed, added]);
  assert.equal(keepAgain.loads, 0);
  assert.equal(keep.loads, 1);
  assert.deepEqual(addresses(manager.targets()), ["k", "c2", "n"]);
  assert.deepEqual(await metric(registry, "vmprober_sd_targets"), [
    'vmprober_sd_targets{source="keep"} 1',
    'vmprober_sd_targets{source="change"} 1',
    'vmprober_sd_targets{source="new"} 1',
  ]);
  assert.equal(
    (await metric(registry, "vmprober_sd_refresh_failures_total")).some((l) =>
      l.includes('"gone"')
    ),
    false,
  );
  // The kept source's refresh loop still runs.
  await clock.advance(1000);
  assert.equal(keep.loads, 2);
});

Deno.test("TargetManager disposal stops every refresh loop and watch", async () => {
  const clock = manualClock();
  const src = fakeSource("s", [{ targets: ["a"], labels: {} }], { refreshMs: 10 });
  const manager = createTargetManager({
    sources: [src],
    registry: new Registry(),
    clock,
    logger: recordingLogger().logger,
  });
  await manager.start(new AbortController().signal);
  assert.equal(clock.waiting, 1);
  await manager[Symbol.asyncDispose]();
  assert.equal(clock.waiting, 0);
  src.notify();
  await clock.advance(1000);
  assert.equal(src.loads, 1);
});

Deno.test("TargetManager.start() twice is an error, and refresh() of an unknown source too", async () => {
  await using manager = createTargetManager({
    sources: [],
    registry: new Registry(),
    logger: recordingLogger().logger,
  });
  await manager.start(new AbortController().signal);
  await assert.rejects(manager.start(new AbortController().signal), /already started/);
  await assert.rejects(manager.refresh("x"), /unknown source "x"/);
});

/** A fake source whose next load waits for `open()` while `gated` is set. */
function gatedSource(name: string, targets: string[]) {
  const src = fakeSource(name, [{ targets, labels: {} }]);
  const load = src.load.bind(src);
  let gate: PromiseWithResolvers<void> | undefined;
  const gated = Object.assign(src, {
    gated: false,
    async load(signal: AbortSignal) {
      if (gated.gated) {
        gate = Promise.withResolvers<void>();
        await gate.promise;
      }
      return await load(signal);
    },
    open: () => gate?.resolve(),
  });
  return gated;
}

Deno.test("TargetManager.update() does not merge a half-swapped list when a kept source loads meanwhile", async () => {
  const registry = new Registry();
  const kept = gatedSource("kept", ["a1"]);
  const removed = gatedSource("removed", ["b1"]);
  const added = fakeSource("added", [{ targets: ["c1"], labels: {} }]);
  await using manager = createTargetManager({ sources: [kept, removed], registry });
  await manager.start(new AbortController().signal);
  assert.deepEqual(addresses(manager.targets()), ["a1", "b1"]);
  const seen: string[][] = [];
  manager.onChange((t) => seen.push(addresses(t)));
  kept.next = [{ targets: ["a2"], labels: {} }];
  kept.gated = removed.gated = true;
  const keptLoad = manager.refresh("kept");
  const removedLoad = manager.refresh("removed");
  // The update waits for the removed source's load to stop; the kept one finishes meanwhile.
  const updated = manager.update([kept, added]);
  kept.open();
  await keptLoad;
  removed.open();
  await removedLoad;
  await updated;
  assert.deepEqual(seen, [["a2", "c1"]]);
  assert.deepEqual(addresses(manager.targets()), ["a2", "c1"]);
});
