import assert from "node:assert/strict";
import { createReloader, type ReloadResult } from "../../src/config/reloader.ts";
import { manualClock } from "../_support/sd_manual_clock.ts";

function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
}

Deno.test("Reloader.trigger() never runs two reloads at once and coalesces waiting triggers", async () => {
  let running = 0;
  let maxRunning = 0;
  let calls = 0;
  const gates = [gate(), gate()];
  await using reloader = createReloader({
    configPath: "/nonexistent/c.yaml",
    watchFile: false,
    sighup: false,
    reload: async () => {
      const g = gates[calls++]!;
      running++;
      maxRunning = Math.max(maxRunning, running);
      await g.p;
      running--;
      return { ok: true };
    },
  });
  const first = reloader.trigger("api");
  const second = reloader.trigger("sighup");
  const third = reloader.trigger("api");
  assert.equal(second, third);
  gates[0]!.open();
  await first;
  gates[1]!.open();
  await second;
  assert.equal(calls, 2);
  assert.equal(maxRunning, 1);
  assert.equal(reloader.last()?.trigger, "sighup");
});

Deno.test("Reloader.trigger() turns a throwing reload into {ok: false, error}", async () => {
  await using reloader = createReloader({
    configPath: "/nonexistent/c.yaml",
    watchFile: false,
    sighup: false,
    reload: () => Promise.reject(new Error("c.yaml:3:7: probes.x.port: expected a number")),
  });
  const result = await reloader.trigger("api");
  assert.deepEqual(result, { ok: false, error: "c.yaml:3:7: probes.x.port: expected a number" });
  assert.equal(reloader.last()?.ok, false);
});

Deno.test("Reloader reloads once per burst of config file writes, and not when bytes are equal", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/vmprober.yaml`;
  await Deno.writeTextFile(path, "a: 1\n");
  const clock = manualClock();
  const results: ReloadResult[] = [];
  const reloaded = Promise.withResolvers<void>();
  const reloader = createReloader({
    configPath: path,
    clock,
    sighup: false,
    debounceMs: 500,
    reload: () => {
      results.push({ ok: true });
      reloaded.resolve();
      return Promise.resolve({ ok: true });
    },
  });
  try {
    await reloader.start();
    await Deno.writeTextFile(`${dir}/other.yaml`, "x");
    await Deno.writeTextFile(path, "a: 2\n");
    await Deno.writeTextFile(path, "a: 3\n");
    // Wait for the watcher to see the writes (real fs events), then let the debounce pass.
    while (clock.waiting === 0) await new Promise((r) => setTimeout(r, 5));
    await clock.advance(500);
    await reloaded.promise;
    assert.equal(results.length, 1);
    assert.equal(reloader.last()?.trigger, "watch");
    // Same bytes written again: a touch, not a change.
    await Deno.writeTextFile(path, "a: 3\n");
    while (clock.waiting === 0) await new Promise((r) => setTimeout(r, 5));
    await clock.advance(500);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(results.length, 1);
  } finally {
    await reloader[Symbol.asyncDispose]();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Reloader: a write already loaded by an API reload is not reloaded again by the file watch", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/vmprober.yaml`;
  await Deno.writeTextFile(path, "a: 1\n");
  const clock = manualClock();
  let calls = 0;
  const reloader = createReloader({
    configPath: path,
    clock,
    sighup: false,
    debounceMs: 500,
    reload: () => {
      calls++;
      return Promise.resolve({ ok: true });
    },
  });
  try {
    await reloader.start();
    await Deno.writeTextFile(path, "a: 2\n");
    assert.deepEqual(await reloader.trigger("api"), { ok: true });
    while (clock.waiting === 0) await new Promise((r) => setTimeout(r, 5));
    await clock.advance(500);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(calls, 1);
    assert.equal(reloader.last()?.trigger, "api");
    // A write after that reload is a change: the watch reloads it.
    await Deno.writeTextFile(path, "a: 3\n");
    while (clock.waiting === 0) await new Promise((r) => setTimeout(r, 5));
    await clock.advance(500);
    for (let i = 0; i < 200 && calls < 2; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(calls, 2);
    assert.equal(reloader.last()?.trigger, "watch");
  } finally {
    await reloader[Symbol.asyncDispose]();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Reloader reloads on SIGHUP", async () => {
  const done = Promise.withResolvers<void>();
  await using reloader = createReloader({
    configPath: "/nonexistent/c.yaml",
    watchFile: false,
    reload: () => {
      done.resolve();
      return Promise.resolve({ ok: true });
    },
  });
  await reloader.start();
  // Signal listeners do not keep the event loop alive (in the agent, the server does).
  const keepAlive = setInterval(() => {}, 10);
  Deno.kill(Deno.pid, "SIGHUP");
  await done.promise;
  clearInterval(keepAlive);
  // Let the trigger's promise settle before the listener is removed.
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(reloader.last()?.trigger, "sighup");
});
