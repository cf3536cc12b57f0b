/**
 * @module Every CLI command, run as users run it: the esbuild bundle under `deno run` with exactly
 * the flags of `scripts/deno_flags` (and the compiled binary too, where one was built), against
 * loopback targets only.
 */
import assert from "node:assert/strict";
import { ROOT } from "../../scripts/bundle.ts";
import { readDenoFlags } from "../../scripts/permissions.ts";
import { type CliRunner, cliRunners, runCli, spawnCli } from "../_support/bundle_cli.ts";
import { withTempDir } from "../_support/temp_dir.ts";
import { freePort, tcpPeer } from "../_support/tcp_servers.ts";

const RUNNERS = await cliRunners();

const withDir = (fn: (dir: string) => Promise<void>) =>
  withTempDir(fn, { prefix: "vmprober_e2e_" });

for (const cli of RUNNERS) {
  Deno.test(`e2e (${cli.name}) version prints the stamped version and commit`, async () => {
    await withDir(async (cwd) => {
      const r = await runCli(cli, ["version"], { cwd });
      assert.equal(r.stderr, "");
      assert.equal(r.code, 0);
      assert.match(r.stdout, cli.versionPattern);
    });
  });

  Deno.test(`e2e (${cli.name}) --help prints usage; an unknown command exits 1`, async () => {
    await withDir(async (cwd) => {
      const help = await runCli(cli, ["--help"], { cwd });
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^vmprober — network-probing agent/);
      const bad = await runCli(cli, ["frobnicate"], { cwd });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^vmprober: unknown command "frobnicate"/);
    });
  });

  Deno.test(`e2e (${cli.name}) check-config accepts the shipped configs`, async () => {
    await withDir(async (cwd) => {
      for (const file of ["packaging/vmprober.yaml", "config/vmprober.yaml"]) {
        const r = await runCli(cli, ["check-config", "--config", `${ROOT}${file}`], { cwd });
        assert.equal(r.stderr, "", file);
        assert.equal(r.code, 0, file);
        assert.match(r.stdout, new RegExp(`^${ROOT}${file}: OK\n`));
      }
    });
  });

  Deno.test(`e2e (${cli.name}) check-config names file, line and key of an error`, async () => {
    await withDir(async (cwd) => {
      const file = `${cwd}/bad.yaml`;
      await Deno.writeTextFile(
        file,
        "probes:\n  tcp_ssh:\n    type: tcp\n    timeout: fast\ntargets: []\n",
      );
      const r = await runCli(cli, ["check-config", "--config", file], { cwd });
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        new RegExp(
          `${file}:4:\\d+: probes\\.tcp_ssh\\.timeout: expected a duration like "5s", got "fast"`,
        ),
      );
    });
  });

  Deno.test(`e2e (${cli.name}) probe tcp reaches a loopback listener`, async () => {
    await withDir(async (cwd) => {
      await using target = tcpPeer();
      const ok = await runCli(cli, ["probe", "tcp", `127.0.0.1:${target.port}`, "--json"], { cwd });
      assert.equal(ok.stderr, "");
      assert.equal(ok.code, 0);
      const result = JSON.parse(ok.stdout);
      assert.equal(result.success, true);
      assert.equal(result.type, "tcp");
      assert.equal(result.target, `127.0.0.1:${target.port}`);

      const closed = freePort();
      const refused = await runCli(cli, ["probe", "tcp", `127.0.0.1:${closed}`, "--json"], { cwd });
      assert.equal(refused.code, 2);
      const failed = JSON.parse(refused.stdout);
      assert.equal(failed.success, false);
      assert.equal(failed.reason, "refused");
    });
  });

  Deno.test(`e2e (${cli.name}) probe icmp uses the FFI socket helper (the flags allow ffi)`, async () => {
    await withDir(async (cwd) => {
      const args = ["probe", "icmp", "127.0.0.1", "--helper", "socket", "--count", "2", "--json"];
      const r = await runCli(cli, args, { cwd });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const result = JSON.parse(r.stdout);
      assert.equal(result.success, true);
      assert.equal(result.icmp.sent, 2);
      assert.equal(result.icmp.received, 2);
      assert.equal(result.icmp.lossRatio, 0);
    });
  });

  Deno.test(`e2e (${cli.name}) run serves probe_success 1 for a loopback target, then stops on SIGTERM`, async () => {
    await withDir(async (cwd) => {
      await using target = tcpPeer();
      const port = freePort();
      const config = `${cwd}/vmprober.yaml`;
      await Deno.writeTextFile(
        config,
        [
          `agent: {listen: "127.0.0.1:${port}", labels: {site: e2e}, log: {level: info, format: json}}`,
          "defaults: {interval: 200ms, timeout: 1s}",
          "probes:",
          "  tcp_local: {type: tcp}",
          "targets:",
          `  - static: {targets: ["127.0.0.1:${target.port}"]}`,
          "    probes: [tcp_local]",
          `wal: {dir: "${cwd}/wal", fsync: never}`,
          "",
        ].join("\n"),
      );
      const child = spawnCli(cli, ["run", "--config", config], { cwd });
      let metrics = "";
      const want = new RegExp(
        `^probe_success\\{[^}]*target="127\\.0\\.0\\.1:${target.port}"[^}]*\\} 1$`,
        "m",
      );
      try {
        // Bounded wait: up to 150 polls, 100 ms apart.
        for (let i = 0; i < 150 && !want.test(metrics); i++) {
          await new Promise((r) => setTimeout(r, 100));
          metrics = await fetch(`http://127.0.0.1:${port}/metrics`)
            .then((r) => r.text())
            .catch(() => "");
        }
      } finally {
        child.kill("SIGTERM");
      }
      const out = await child.output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.match(metrics, want, `no probe_success 1 in /metrics; agent stderr:\n${stderr}`);
      assert.match(metrics, /site="e2e"/);
      assert.equal(out.code, 0, stderr);

      const inspect = await runCli(cli, ["wal", "inspect", "--dir", `${cwd}/wal`, "--json"], {
        cwd,
      });
      assert.equal(inspect.code, 0, inspect.stderr);
      const wal = JSON.parse(inspect.stdout);
      assert.ok(wal.records > 0, `the WAL holds no records: ${inspect.stdout}`);
      assert.equal(wal.corrupt_records, 0);
    });
  });
}

Deno.test("e2e (bundle) the ICMP socket helper needs --allow-ffi, and scripts/deno_flags has it", async () => {
  const flags = await readDenoFlags();
  assert.ok(flags.includes("--allow-ffi"));
  const args = ["probe", "icmp", "127.0.0.1", "--helper", "socket", "--count", "1", "--json"];
  await withDir(async (cwd) => {
    const [without] = await cliRunners(flags.filter((f) => f !== "--allow-ffi"));
    const denied = await runCli(without!, args, { cwd });
    assert.equal(denied.code, 2);
    const failed = JSON.parse(denied.stdout);
    assert.equal(failed.reason, "error");
    assert.match(
      failed.detail,
      /^Requires ffi access to "libc\.so\.6", run again with the --allow-ffi flag$/,
    );

    const [withFlags] = await cliRunners(flags);
    const ok = await runCli(withFlags!, args, { cwd });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const result = JSON.parse(ok.stdout);
    assert.equal(result.success, true);
    assert.equal(result.icmp.received, 1);
  });
});

Deno.test("e2e (bundle) the ping fallback needs --allow-run, and scripts/deno_flags has it", async () => {
  const flags = await readDenoFlags();
  assert.ok(flags.includes("--allow-run"));
  const args = ["probe", "icmp", "127.0.0.1", "--helper", "ping", "--count", "1", "--json"];
  await withDir(async (cwd) => {
    const [without] = await cliRunners(flags.filter((f) => f !== "--allow-run"));
    const denied = await runCli(without!, args, { cwd });
    assert.equal(denied.code, 2);
    assert.equal(JSON.parse(denied.stdout).reason, "error");

    const [withFlags] = await cliRunners(flags);
    const ok = await runCli(withFlags!, args, { cwd });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(JSON.parse(ok.stdout).icmp.received, 1);
  });
});

Deno.test("e2e runners include the compiled binary exactly when one is present", async () => {
  const names = RUNNERS.map((r: CliRunner) => r.name.split(" ")[0]);
  assert.equal(names[0], "bundle");
  const binary = Deno.env.get("VMPROBER_E2E_BINARY") ??
    `${ROOT}dist/vmprober-${Deno.build.arch}-unknown-linux-gnu`;
  const present = await Deno.stat(binary).then((s) => s.isFile, () => false);
  assert.deepEqual(names, present ? ["bundle", "binary"] : ["bundle"]);
});
