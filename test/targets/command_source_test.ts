import assert from "node:assert/strict";
import { createCommandSource } from "../../src/targets/command_source.ts";
import { childrenOfThisProcess, leftNothing } from "../_support/sd_process.ts";
import { sourceFailure as failure } from "../_support/source_failure.ts";

const sh = (script: string, extra: Partial<Parameters<typeof createCommandSource>[0]> = {}) =>
  createCommandSource({ name: "cmd", run: ["sh", "-c", script], probes: ["icmp"], ...extra });

Deno.test("command source parses JSON stdout", async () => {
  const source = sh(`echo '[{"targets": ["10.0.0.9:22"], "labels": {"rack": "r1"}}]'`);
  assert.deepEqual(await source.load(new AbortController().signal), [
    { targets: ["10.0.0.9:22"], labels: { rack: "r1" } },
  ]);
});

Deno.test("command source parses YAML stdout", async () => {
  const source = sh(`printf -- '- targets: [a.example]\\n  labels: {x: "1"}\\n'`);
  assert.deepEqual(await source.load(new AbortController().signal), [
    { targets: ["a.example"], labels: { x: "1" } },
  ]);
});

Deno.test("command source fails with reason exit_code and a stderr excerpt on exit 1", async () => {
  const e = await failure(
    sh("echo '[]'; echo 'inventory down' >&2; exit 1").load(new AbortController().signal),
  );
  assert.equal(e.reason, "exit_code");
  assert.equal(e.message, "sh: exit code 1: inventory down");
  assert.deepEqual(childrenOfThisProcess(), []);
});

Deno.test("command source fails with reason format on garbage output", async () => {
  const e = await failure(sh("echo 'hello: [world'").load(new AbortController().signal));
  assert.equal(e.reason, "format");
  assert.match(e.message, /^sh: output: invalid YAML: /);
});

Deno.test("command source kills a command (and its children) at the timeout, leaving no zombie", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const source = sh(`echo $$ > ${dir}/pid; sleep 30 & echo $! > ${dir}/child; wait`, {
      timeoutMs: 300,
    });
    const e = await failure(source.load(new AbortController().signal));
    assert.equal(e.reason, "timeout");
    assert.equal(e.message, "sh: killed after 300 ms timeout");
    const pid = Number(await Deno.readTextFile(`${dir}/pid`));
    const child = Number(await Deno.readTextFile(`${dir}/child`));
    assert.ok(leftNothing(pid), `sh ${pid} left behind`);
    assert.deepEqual(childrenOfThisProcess(), []);
    // The grandchild got SIGKILL with its group; give init a moment to reap it.
    for (let i = 0; i < 50 && !leftNothing(child); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(leftNothing(child), `sleep ${child} left behind`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("command source stops an endless output at max_bytes and kills the command", async () => {
  const source = createCommandSource({
    name: "c",
    run: ["yes"],
    probes: ["icmp"],
    maxBytes: 100_000,
  });
  const e = await failure(source.load(new AbortController().signal));
  assert.equal(e.reason, "too_large");
  assert.equal(e.message, "yes: output exceeds the limit of 100000 bytes");
  assert.deepEqual(childrenOfThisProcess(), []);
});

Deno.test("command source fails with reason io when the program does not exist", async () => {
  const source = createCommandSource({ name: "c", run: ["/nonexistent/list"], probes: ["icmp"] });
  const e = await failure(source.load(new AbortController().signal));
  assert.equal(e.reason, "io");
  assert.match(e.message, /^cannot run \/nonexistent\/list: /);
});

Deno.test("command source kills the command when the load is aborted", async () => {
  const ctl = new AbortController();
  const p = sh("sleep 30").load(ctl.signal);
  setTimeout(() => ctl.abort(new Error("stopping")), 50);
  await assert.rejects(p, /stopping/);
  assert.deepEqual(childrenOfThisProcess(), []);
});
