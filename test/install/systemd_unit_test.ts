/**
 * The systemd unit's sandbox: `systemd-analyze security --offline=true` scores it, and the agent
 * (the bundle, with the binary's flags) runs under the unit's own `SystemCallFilter=` lines. No
 * systemd runs here (`systemd-run` needs a running manager), so the filter is applied the way
 * systemd applies it, through libseccomp (test/_support/seccomp_exec.py): the sets expanded by
 * `systemd-analyze syscall-filter`, EPERM for any other call, native architecture only, in a
 * private /proc as ProtectProc=invisible and ProcSubset=pid leave it.
 */
import assert from "node:assert/strict";
import { ROOT } from "../../scripts/bundle.ts";
import { testBundle } from "../_support/bundle_cli.ts";
import { metricValue, startAgentProcess, waitFor, writeConfig } from "../_support/agent_process.ts";
import { tcpPeer } from "../_support/tcp_servers.ts";

const UNIT = `${ROOT}packaging/vmprober.service`;
const SECCOMP_EXEC = `${ROOT}test/_support/seccomp_exec.py`;
// The system Python: its libseccomp binding is the Debian package python3-seccomp.
const PYTHON = "/usr/bin/python3";

/**
 * ProtectProc=invisible and ProcSubset=pid: a private /proc (its own mount namespace; unshare and sh exec, so signals reach the agent) mounted
 * with `hidepid=invisible,subset=pid`, so only process directories are there (no /proc/meminfo).
 */
const PROC_SUBSET_PID = [
  "unshare",
  "--mount",
  "--propagation",
  "private",
  "sh",
  "-c",
  'mount -t proc -o hidepid=invisible,subset=pid proc /proc && exec "$@"',
  "sh",
];

/** The values of the unit's `KEY=` lines, in order. */
async function unitValues(key: string): Promise<string[]> {
  const text = await Deno.readTextFile(UNIT);
  return text.split("\n").filter((l) => l.startsWith(`${key}=`)).map((l) =>
    l.slice(key.length + 1)
  );
}

async function run(cmd: string, args: string[]) {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

Deno.test("vmprober.service: systemd-analyze security exposure is at most 2.5", async () => {
  const r = await run("systemd-analyze", ["security", "--offline=true", "--no-pager", UNIT]);
  const m = /Overall exposure level for vmprober\.service: (\d+\.\d+)/.exec(r.stdout + r.stderr);
  assert.ok(m, `no exposure figure in:\n${r.stdout}${r.stderr}`);
  const exposure = Number(m[1]);
  assert.ok(exposure <= 2.5, `exposure ${exposure} > 2.5:\n${r.stdout}`);
  // The filter the next tests emulate is the one systemd scores.
  assert.deepEqual(await unitValues("SystemCallArchitectures"), ["native"]);
  assert.deepEqual(await unitValues("SystemCallErrorNumber"), ["EPERM"]);
});

Deno.test("vmprober.service: the agent probes TCP, ICMP and runs a command source under the unit's SystemCallFilter", async () => {
  const filter = await unitValues("SystemCallFilter");
  assert.ok(filter.length > 0);
  await using peer = tcpPeer();
  const dir = await Deno.makeTempDir({ prefix: "vmprober-seccomp-" });
  await Deno.writeTextFile(`${dir}/list.sh`, `#!/bin/sh\necho '[{"targets":["127.0.0.2"]}]'\n`);
  await Deno.chmod(`${dir}/list.sh`, 0o755);
  const config = await writeConfig(
    `
agent: {listen: "127.0.0.1:0", log: {level: info, format: text}}
defaults: {interval: 300ms, timeout: 250ms}
probes:
  t: {type: tcp, port: ${peer.port}}
  i: {type: icmp, helper: socket}
  p: {type: icmp, helper: ping}
targets:
  - static: {targets: ["127.0.0.1"]}
    probes: [t, i]
  - command: {run: ["./list.sh"], refresh: 1s}
    probes: [p]
wal: {dir: ${dir}/wal}
`,
    dir,
  );
  await using agent = await startAgentProcess(config, {
    entry: (await testBundle()).file,
    wrap: [...PROC_SUBSET_PID, PYTHON, SECCOMP_EXEC, ...filter, "--"],
  });
  const text = await waitFor(
    "a success of the TCP and ping probes, 3 ICMP socket runs",
    async () => {
      const m = await agent.metrics();
      const ok = [["t", "127.0.0.1"], ["p", "127.0.0.2"]].every(([probe, t]) =>
        metricValue(m, "probe_success", { probe: probe!, target: t! }) === 1
      );
      const runs = metricValue(m, "vmprober_probe_duration_seconds_count", { probe: "i" }) ?? 0;
      return ok && runs >= 3 ? m : undefined;
    },
  );
  // The in-process ICMP socket opened and sent (a refused system call would be reason "error");
  // its replies on a shared loopback may drown in other traffic, so success is not asserted here.
  assert.equal(metricValue(text, "vmprober_icmp_helper_info", { helper: "socket" }), 1);
  assert.equal(
    metricValue(text, "vmprober_probes_total", { probe: "i", result: "error" }),
    undefined,
  );
  assert.equal((await agent.get("/healthz")).status, 200);
  assert.equal(await agent.stop(), 0);
  assert.doesNotMatch(agent.log(), /Operation not permitted|EPERM/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("vmprober.service: the emulated filter bites: ping needs capset, the agent needs bind", async () => {
  const filter = await unitValues("SystemCallFilter");
  const ping = ["ping", "-c", "1", "-W", "1", "127.0.0.1"];
  const withUnit = await run(PYTHON, [SECCOMP_EXEC, ...filter, "--", ...ping]);
  assert.equal(withUnit.code, 0, withUnit.stderr);
  const noCapset = await run(PYTHON, [SECCOMP_EXEC, ...filter, "~capset", "--", ...ping]);
  assert.match(noCapset.stderr, /cap_set_proc: Operation not permitted/);
  assert.notEqual(noCapset.code, 0);

  const dir = await Deno.makeTempDir({ prefix: "vmprober-seccomp-" });
  const config = await writeConfig(
    `agent: {listen: "127.0.0.1:0"}\nprobes: {t: {type: tcp, port: 9}}\ntargets: []\nwal: {dir: ${dir}/wal}\n`,
    dir,
  );
  await assert.rejects(
    startAgentProcess(config, {
      entry: (await testBundle()).file,
      wrap: [PYTHON, SECCOMP_EXEC, ...filter, "~bind", "--"],
    }),
    /Cannot listen on 127\.0\.0\.1:0: Operation not permitted/,
  );
  await Deno.remove(dir, { recursive: true });
});
