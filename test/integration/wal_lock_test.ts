/**
 * Two agents on one WAL directory: the second fails at start (exit 2) naming the directory and
 * the holder's pid; a lock left by a killed agent does not block the next one.
 */
import assert from "node:assert/strict";
import { DENO, denoFlags, startAgentProcess } from "../_support/agent_process.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

function config(walDir: string): string {
  return [
    'agent: { listen: "127.0.0.1:0" }',
    "probes: { tcp_x: { type: tcp, port: 22 } }",
    "targets: []",
    `wal: { dir: "${walDir}" }`,
  ].join("\n");
}

Deno.test("a second agent on the same WAL directory exits 2 naming the directory and the holder's pid", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober_lock_" });
  const path = `${dir}/vmprober.yaml`;
  Deno.writeTextFileSync(path, config(`${dir}/wal`));
  try {
    const first = await startAgentProcess(path);
    try {
      const child = new Deno.Command(DENO, {
        args: ["run", ...denoFlags(), MAIN, "run", "--config", path],
        stdout: "null",
        stderr: "piped",
        stdin: "null",
      }).spawn();
      // Bounded: an agent that starts anyway is killed after 10 s (and the test fails).
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const second = await child.output();
      clearTimeout(timer);
      const stderr = new TextDecoder().decode(second.stderr);
      assert.equal(second.code, 2, stderr);
      assert.match(
        stderr,
        new RegExp(
          `Cannot lock the WAL directory ${dir}/wal: another vmprober holds it \\(pid ${first.child.pid}\\)`,
        ),
      );
      // The first agent was not disturbed.
      assert.equal((await first.get("/healthz")).status, 200);
      assert.doesNotMatch(first.log(), /"level":"(error|fatal)"/);
    } finally {
      assert.equal(await first.stop("SIGKILL"), 137);
    }
    // The killed agent's lock file is still there, naming it; it must not block the next agent.
    assert.ok(Deno.statSync(`${dir}/wal/lock`).isFile);
    await using third = await startAgentProcess(path);
    assert.equal(Deno.readTextFileSync(`${dir}/wal/lock`).trim(), String(third.child.pid));
    const inspect = await new Deno.Command(DENO, {
      args: ["run", ...denoFlags(), MAIN, "wal", "inspect", "--dir", `${dir}/wal`, "--json"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(inspect.code, 0, "inspect reads beside a live agent, without the lock");
    assert.deepEqual(JSON.parse(new TextDecoder().decode(inspect.stdout)).ignored_files, []);
    assert.equal(await third.stop(), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
