/**
 * @module What the V8 flags of `scripts/deno_flags` do in the bundle run with exactly them: the
 * start-up collection (`--expose-gc`) runs before the agent is ready, and without the flag the
 * agent still starts and only trims.
 */
import assert from "node:assert/strict";
import { readDenoFlags } from "../../scripts/permissions.ts";
import { cliRunners, spawnCli } from "../_support/bundle_cli.ts";
import { withTempDir } from "../_support/temp_dir.ts";
import { freePort } from "../_support/tcp_servers.ts";

/** Starts the bundle with `flags` on an idle config; its debug log once /readyz answers 200. */
async function startupLog(flags: string[]): Promise<string> {
  return await withTempDir(async (cwd) => {
    const port = freePort();
    const config = `${cwd}/vmprober.yaml`;
    await Deno.writeTextFile(
      config,
      `agent: {listen: "127.0.0.1:${port}", log: {level: debug, format: json}}
probes: {tcp: {type: tcp}}
targets: []
wal: {dir: "${cwd}/wal"}
`,
    );
    const [cli] = await cliRunners(flags);
    const child = spawnCli(cli!, ["run", "--config", config], { cwd });
    let ready = false;
    try {
      // Bounded wait: up to 150 polls, 100 ms apart.
      for (let i = 0; i < 150 && !ready; i++) {
        await new Promise((r) => setTimeout(r, 100));
        ready = await fetch(`http://127.0.0.1:${port}/readyz`)
          .then(async (r) => (await r.body?.cancel(), r.status === 200), () => false);
      }
    } finally {
      child.kill("SIGTERM");
    }
    const out = await child.output();
    const log = new TextDecoder().decode(out.stderr);
    assert.ok(ready, `the agent never got ready:\n${log}`);
    assert.equal(out.code, 0, log);
    return log;
  }, { prefix: "vmprober_e2e_flags_" });
}

const released = (log: string) =>
  log.split("\n").filter((l) => l.includes("Released start-up memory")).map((l) =>
    JSON.parse(l) as Record<string, unknown>
  );

Deno.test("e2e (bundle) scripts/deno_flags' --expose-gc makes the start-up collection run", async () => {
  const flags = await readDenoFlags();
  const v8 = flags.find((f) => f.startsWith("--v8-flags="));
  assert.ok(v8?.split(/[=,]/).includes("--expose-gc"), `no --expose-gc in ${v8}`);
  const lines = released(await startupLog(flags));
  assert.equal(lines.length, 1, "one release, at start-up");
  assert.equal(lines[0]!.collected, true);
  assert.ok(Number(lines[0]!.after) < Number(lines[0]!.before), JSON.stringify(lines[0]));
});

Deno.test("e2e (bundle) without --expose-gc the agent starts and only trims", async () => {
  const flags = (await readDenoFlags()).map((f) =>
    f.startsWith("--v8-flags=") ? f.replace(/,?--expose-gc/, "").replace("=,", "=") : f
  );
  const lines = released(await startupLog(flags));
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.collected, false);
  assert.equal(lines[0]!.after, lines[0]!.before);
});
