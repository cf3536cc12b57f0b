/**
 * @module install.sh with VMPROBER_ROOT=/ — the real-host path: system user, ownership, systemctl
 * calls, start failure with rollback, uninstall and purge. Each run happens in a private mount
 * namespace where /etc, /var and /usr/local are overlays kept in a scratch dir and systemctl is a
 * recording fake (test/_support/release_host_ns.sh), so the machine running the test is never
 * changed. Needs root and `unshare` (skipped otherwise).
 */
import assert from "node:assert/strict";
import { ROOT } from "../../scripts/bundle.ts";
import {
  addStandInRelease,
  HOST_TARGET,
  type InstallRun,
  SHELLS,
  standIn,
} from "../_support/release_fixture.ts";
import { serveRelease } from "../_support/release_server.ts";
import { runCaptured } from "../_support/run_captured.ts";

const NS_SCRIPT = `${ROOT}test/_support/release_host_ns.sh`;

const canUnshare = Deno.uid() === 0 &&
  await new Deno.Command("unshare", { args: ["--mount", "true"], stderr: "null" }).output()
    .then((o) => o.success, () => false);

const FAKE_SYSTEMCTL = `#!/bin/sh
echo "$*" >>"$SYSTEMCTL_LOG"
if [ "$1" = restart ] && [ -e "$SYSTEMCTL_FAIL_RESTART" ]; then
  echo "Job for vmprober.service failed because the control process exited with error code." >&2
  exit 1
fi
exit 0
`;

interface Host {
  /** Runs install.sh with VMPROBER_ROOT unset (= /) inside the namespace. */
  install(args?: string[], env?: Record<string, string>): Promise<InstallRun>;
  /** Runs `sh -c SCRIPT` inside the namespace; its stdout. */
  sh(script: string): Promise<string>;
  systemctl(): Promise<string[]>;
  failRestart(on: boolean): Promise<void>;
  release: string;
}

async function host(shell: string[], fn: (h: Host) => Promise<void>): Promise<void> {
  const base = await Deno.makeTempDir({ prefix: "vmprober_host_" });
  await Deno.mkdir(`${base}/bin`);
  await Deno.mkdir(`${base}/tmp`);
  await Deno.writeTextFile(`${base}/bin/systemctl`, FAKE_SYSTEMCTL, { mode: 0o755 });
  await addStandInRelease(`${base}/release`, "1.0.0");
  const inNs = (argv: string[], env: Record<string, string> = {}) =>
    runCaptured(
      ["unshare", "--mount", "--propagation", "private", "sh", NS_SCRIPT, base, ...argv],
      {
        env: {
          PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          SYSTEMCTL_LOG: `${base}/systemctl.log`,
          SYSTEMCTL_FAIL_RESTART: `${base}/fail_restart`,
          TMPDIR: `${base}/tmp`,
          ...env,
        },
      },
    );
  try {
    await using server = serveRelease(`${base}/release`);
    await fn({
      release: `${base}/release`,
      install: (args = [], env = {}) =>
        inNs([...shell, `${ROOT}install.sh`, ...args], { VMPROBER_BASE_URL: server.url, ...env }),
      async sh(script) {
        const r = await inNs(["sh", "-c", script]);
        assert.equal(r.code, 0, r.stderr);
        return r.stdout;
      },
      systemctl: () =>
        Deno.readTextFile(`${base}/systemctl.log`).then(
          (t) => t.split("\n").filter(Boolean),
          () => [],
        ),
      async failRestart(on) {
        if (on) await Deno.writeTextFile(`${base}/fail_restart`, "");
        else await Deno.remove(`${base}/fail_restart`);
      },
    });
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

const stand = (v: string) => new TextDecoder().decode(standIn(v, HOST_TARGET));

for (const { name: sh, argv } of SHELLS) {
  Deno.test({
    name: `install.sh (${sh}) on a systemd host: user, ownership, enable and start; upgrade`,
    ignore: !canUnshare,
    async fn() {
      await host(argv, async (h) => {
        const run = await h.install();
        assert.equal(run.stderr, "");
        assert.equal(run.code, 0);
        assert.match(run.stdout, /created system user vmprober\n/);
        assert.match(run.stdout, /started the vmprober service\n/);
        assert.match(run.stdout, /installed \/usr\/local\/bin\/vmprober: vmprober 1\.0\.0/);
        assert.deepEqual(await h.systemctl(), [
          "daemon-reload",
          "enable vmprober",
          "restart vmprober",
        ]);
        const facts = await h.sh(
          "getent passwd vmprober | cut -d: -f7; " +
            "stat -c '%U:%G %a' /var/lib/vmprober /var/lib/vmprober/wal /etc/vmprober/vmprober.yaml " +
            "/usr/local/bin/vmprober; grep -c '^User=vmprober$' /etc/systemd/system/vmprober.service",
        );
        assert.match(
          facts,
          /^\/(usr\/)?s?bin\/(nologin|false)\nvmprober:vmprober 750\nvmprober:vmprober 750\nroot:vmprober 640\nroot:root 755\n1\n$/,
        );

        // Upgrade: restart again, config kept, no second user.
        await addStandInRelease(h.release, "1.1.0");
        const up = await h.install();
        assert.equal(up.code, 0, up.stderr);
        assert.doesNotMatch(up.stdout, /created system user/);
        assert.match(up.stdout, /upgraded \/usr\/local\/bin\/vmprober to vmprober 1\.1\.0/);
        assert.equal(await h.sh("cat /usr/local/bin/vmprober"), stand("1.1.0"));
        assert.deepEqual((await h.systemctl()).slice(3), [
          "daemon-reload",
          "enable vmprober",
          "restart vmprober",
        ]);

        // --no-start: files change, the service is not restarted.
        const quiet = await h.install(["--no-start"]);
        assert.equal(quiet.code, 0, quiet.stderr);
        assert.match(
          quiet.stdout,
          /--no-start: a running vmprober keeps the old binary until restarted/,
        );
        assert.deepEqual((await h.systemctl()).slice(6), ["daemon-reload", "enable vmprober"]);
      });
    },
  });

  Deno.test({
    name: `install.sh (${sh}) on a systemd host: a failed start restores the previous binary`,
    ignore: !canUnshare,
    async fn() {
      await host(argv, async (h) => {
        assert.equal((await h.install()).code, 0);
        await addStandInRelease(h.release, "1.1.0");
        await h.failRestart(true);
        const run = await h.install();
        assert.equal(run.code, 1);
        assert.equal(
          run.stderr,
          "vmprober-install: error: vmprober did not start (systemd): Job for vmprober.service " +
            "failed because the control process exited with error code.; see journalctl -u " +
            "vmprober\nvmprober-install: undid the changes of this run\n",
        );
        assert.equal(await h.sh("cat /usr/local/bin/vmprober"), stand("1.0.0"));
        assert.equal(await h.sh("ls -A /usr/local/bin | grep vmprober"), "vmprober\n");
        // The old binary is started again after the rollback.
        assert.deepEqual((await h.systemctl()).slice(3), [
          "daemon-reload",
          "enable vmprober",
          "restart vmprober",
          "daemon-reload",
          "restart vmprober",
        ]);
      });
    },
  });

  Deno.test({
    name: `install.sh (${sh}) on a systemd host: --uninstall disables the unit, --purge the user`,
    ignore: !canUnshare,
    async fn() {
      await host(argv, async (h) => {
        assert.equal((await h.install()).code, 0);
        const un = await h.install(["--uninstall"]);
        assert.equal(un.code, 0, un.stderr);
        assert.deepEqual((await h.systemctl()).slice(3), [
          "disable --now vmprober",
          "daemon-reload",
        ]);
        assert.equal(
          await h.sh(
            "ls /usr/local/bin/vmprober /etc/systemd/system/vmprober.service 2>/dev/null; " +
              "ls /etc/vmprober; id -un vmprober",
          ),
          "vmprober.yaml\nvmprober\n",
        );
        const purge = await h.install(["--purge"]);
        assert.equal(purge.code, 0, purge.stderr);
        assert.match(purge.stdout, /removed the user vmprober\n/);
        assert.equal(
          await h.sh(
            "ls -d /etc/vmprober /var/lib/vmprober 2>/dev/null; getent passwd vmprober; true",
          ),
          "",
        );
      });
    },
  });
}

Deno.test({
  name: "install.sh (dash) on an init.d host: detected; start-stop-daemon runs it as vmprober",
  ignore: !canUnshare || !await new Deno.Command("sh", {
    args: ["-c", "command -v start-stop-daemon && command -v update-rc.d"],
    stdout: "null",
  }).output().then((o) => o.success),
  async fn() {
    await host(["dash"], async (h) => {
      const run = await h.install([], { NS_SYSTEMD: "no" });
      assert.equal(run.stderr, "");
      assert.equal(run.code, 0);
      assert.match(run.stdout, /started the vmprober service\n/);
      assert.deepEqual(await h.systemctl(), []);
      // The daemon was started in the background: wait (bounded, 20 s: a loaded host is slow to
      // start it) for its first log line.
      const log = await h.sh(
        "for i in $(seq 400); do grep -q stand-in /var/lib/vmprober/vmprober.log 2>/dev/null && " +
          "break; sleep 0.05; done; cat /var/lib/vmprober/vmprober.log; ls /etc/rc2.d | grep vmprober",
      );
      assert.match(
        log,
        /^stand-in run by vmprober: run --config \/etc\/vmprober\/vmprober\.yaml\nvmprober 1\.0\.0 \(stand-in, [^)]+\)\nS\d\dvmprober\n$/,
      );
      const un = await h.install(["--uninstall"], { NS_SYSTEMD: "no" });
      assert.equal(un.code, 0, un.stderr);
      assert.match(un.stdout, /removed the init script\n/);
      assert.deepEqual(await h.systemctl(), []);
      assert.equal(
        await h.sh("ls /etc/init.d/vmprober /etc/rc2.d 2>/dev/null | grep vmprober; true"),
        "",
      );
    });
  },
});
