/**
 * @module install.sh against a release folder served on loopback, into a temporary VMPROBER_ROOT,
 * under dash and busybox sh. Binaries are stand-ins (shell scripts printing their version);
 * install_bundle_test.ts installs the real bundle.
 */
import assert from "node:assert/strict";
import { ROOT } from "../../scripts/bundle.ts";
import {
  addStandInRelease,
  HOST_TARGET,
  type InstallRun,
  listTree,
  runInstall,
  SHELLS,
  standIn,
} from "../_support/release_fixture.ts";
import { type ReleaseServer, serveRelease } from "../_support/release_server.ts";

const HOST_BIN = `vmprober-${HOST_TARGET}`;

const FRESH_TREE = [
  "etc/",
  "etc/systemd/",
  "etc/systemd/system/",
  "etc/systemd/system/vmprober.service",
  "etc/vmprober/",
  "etc/vmprober/vmprober.yaml",
  "usr/",
  "usr/local/",
  "usr/local/bin/",
  "usr/local/bin/vmprober",
  "var/",
  "var/lib/",
  "var/lib/vmprober/",
  "var/lib/vmprober/wal/",
];

interface Scene {
  server: ReleaseServer;
  release: string;
  root: string;
  tmp: string;
  /** Runs install.sh; asserts that it left nothing in TMPDIR and no staged/backup files. */
  install(args?: string[], env?: Record<string, string>): Promise<InstallRun>;
  tree(): Promise<string[]>;
  bin(): Promise<string>;
}

async function scene(shell: string[], fn: (s: Scene) => Promise<void>): Promise<void> {
  const base = await Deno.makeTempDir({ prefix: "vmprober_install_" });
  const release = `${base}/release`;
  const root = `${base}/root`;
  const tmp = `${base}/tmp`;
  await Deno.mkdir(root);
  await Deno.mkdir(tmp);
  await addStandInRelease(release, "1.0.0");
  try {
    await using server = serveRelease(release);
    const s: Scene = {
      server,
      release,
      root,
      tmp,
      async install(args = [], env = {}) {
        const run = await runInstall(shell, args, {
          VMPROBER_BASE_URL: server.url,
          VMPROBER_ROOT: root,
          TMPDIR: tmp,
          ...env,
        });
        assert.deepEqual(await listTree(tmp), [], "install.sh left files in TMPDIR");
        const leftovers = (await s.tree()).filter((p) => /\/\.[^/]*\.(new|undo\d+)$/.test(p));
        assert.deepEqual(leftovers, [], "install.sh left staged or backup files");
        return run;
      },
      tree: () => listTree(root),
      bin: () => Deno.readTextFile(`${root}/usr/local/bin/vmprober`),
    };
    await fn(s);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

async function mode(path: string): Promise<number> {
  return (await Deno.stat(path)).mode! & 0o7777;
}

async function runBinary(path: string): Promise<string> {
  const out = await new Deno.Command(path, { args: ["version"], stdout: "piped" }).output();
  assert.equal(out.code, 0);
  return new TextDecoder().decode(out.stdout).trim();
}

const packaged = (name: string) => Deno.readTextFile(`${ROOT}packaging/${name}`);

for (const { name: sh, argv } of SHELLS) {
  Deno.test(`install.sh (${sh}) fresh install lays out binary, config, WAL dir and unit`, async () => {
    await scene(argv, async (s) => {
      const run = await s.install();
      assert.equal(run.stderr, "");
      assert.equal(run.code, 0);
      assert.match(
        run.stdout,
        new RegExp(`installed ${s.root}/usr/local/bin/vmprober: vmprober 1\\.0\\.0 \\(stand-in`),
      );
      assert.match(run.stdout, /host services untouched/);
      assert.deepEqual(await s.tree(), FRESH_TREE);
      assert.equal(
        await runBinary(`${s.root}/usr/local/bin/vmprober`),
        `vmprober 1.0.0 (stand-in, ${HOST_TARGET})`,
      );
      assert.equal(await mode(`${s.root}/usr/local/bin/vmprober`), 0o755);
      assert.equal(await s.bin(), new TextDecoder().decode(standIn("1.0.0", HOST_TARGET)));
      assert.equal(
        await Deno.readTextFile(`${s.root}/etc/vmprober/vmprober.yaml`),
        await packaged("vmprober.yaml"),
      );
      assert.equal(await mode(`${s.root}/etc/vmprober/vmprober.yaml`), 0o640);
      assert.equal(await mode(`${s.root}/var/lib/vmprober`), 0o750);
      assert.equal(await mode(`${s.root}/var/lib/vmprober/wal`), 0o750);
      assert.equal(
        await Deno.readTextFile(`${s.root}/etc/systemd/system/vmprober.service`),
        await packaged("vmprober.service"),
      );
      assert.equal(await mode(`${s.root}/etc/systemd/system/vmprober.service`), 0o644);
      assert.deepEqual(s.server.requests, [
        "/latest/download/SHA256SUMS",
        `/latest/download/${HOST_BIN}`,
        "/latest/download/vmprober.yaml",
        "/latest/download/vmprober.service",
      ]);
    });
  });

  Deno.test(`install.sh (${sh}) runs as the one-liner: curl …/install.sh | sh -s -- --no-start`, async () => {
    await scene(argv, async (s) => {
      const out = await new Deno.Command(argv[0]!, {
        args: [
          ...argv.slice(1),
          "-c",
          `curl -fsSL ${s.server.url}/latest/download/install.sh | ${
            argv.join(" ")
          } -s -- --no-start`,
        ],
        env: {
          PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
          VMPROBER_BASE_URL: s.server.url,
          VMPROBER_ROOT: s.root,
          TMPDIR: s.tmp,
        },
        clearEnv: true,
        cwd: "/",
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(new TextDecoder().decode(out.stderr), "");
      assert.equal(out.code, 0);
      assert.match(new TextDecoder().decode(out.stdout), /installed .*: vmprober 1\.0\.0/);
      assert.deepEqual(await s.tree(), FRESH_TREE);
      assert.equal(s.server.requests[0], "/latest/download/install.sh");
    });
  });

  Deno.test(`install.sh (${sh}) re-run upgrades the binary and keeps an edited config`, async () => {
    await scene(argv, async (s) => {
      assert.equal((await s.install()).code, 0);
      const edited = "# edited by the operator\nprobes: {}\n";
      await Deno.writeTextFile(`${s.root}/etc/vmprober/vmprober.yaml`, edited);
      await addStandInRelease(s.release, "1.1.0");
      const run = await s.install();
      assert.equal(run.code, 0);
      assert.equal(run.stderr, "");
      assert.match(run.stdout, /keeping the existing .*\/etc\/vmprober\/vmprober\.yaml/);
      assert.match(run.stdout, /upgraded .*\/usr\/local\/bin\/vmprober to vmprober 1\.1\.0/);
      assert.equal(await s.bin(), new TextDecoder().decode(standIn("1.1.0", HOST_TARGET)));
      assert.equal(await Deno.readTextFile(`${s.root}/etc/vmprober/vmprober.yaml`), edited);
      assert.deepEqual(await s.tree(), FRESH_TREE);
      // VMPROBER_VERSION picks a release (here: back to 1.0.0), with or without the "v".
      const pinned = await s.install([], { VMPROBER_VERSION: "1.0.0" });
      assert.equal(pinned.code, 0);
      assert.match(pinned.stdout, /\/download\/v1\.0\.0\n/);
      assert.equal(await s.bin(), new TextDecoder().decode(standIn("1.0.0", HOST_TARGET)));
      assert.equal(await Deno.readTextFile(`${s.root}/etc/vmprober/vmprober.yaml`), edited);
    });
  });

  Deno.test(`install.sh (${sh}) refuses a bad checksum and leaves the old binary`, async () => {
    await scene(argv, async (s) => {
      assert.equal((await s.install()).code, 0);
      const tampered = new TextEncoder().encode("#!/bin/sh\necho evil\n");
      await addStandInRelease(s.release, "1.1.0", { override: { [HOST_BIN]: tampered } });
      const before = await s.tree();
      const run = await s.install();
      assert.equal(run.code, 1);
      const sums = await Deno.readTextFile(`${s.release}/latest/download/SHA256SUMS`);
      const want = sums.split("\n").find((l) => l.endsWith(`  ${HOST_BIN}`))!.slice(0, 64);
      const got = Array.from(
        new Uint8Array(await crypto.subtle.digest("SHA-256", tampered)),
        (b) => b.toString(16).padStart(2, "0"),
      ).join("");
      assert.equal(
        run.stderr,
        `vmprober-install: error: checksum mismatch for ${HOST_BIN}: SHA256SUMS says ${want}, ` +
          `the download is ${got} (corrupt or tampered with)\nvmprober-install: nothing was changed\n`,
      );
      assert.equal(await s.bin(), new TextDecoder().decode(standIn("1.0.0", HOST_TARGET)));
      assert.deepEqual(await s.tree(), before);
    });
  });

  for (const dl of ["curl", "wget", "busybox wget"]) {
    Deno.test(`install.sh (${sh}) fails cleanly when a download (${dl}) is cut midway`, async () => {
      await scene(argv, async (s) => {
        assert.equal((await s.install()).code, 0);
        await addStandInRelease(s.release, "1.1.0");
        s.server.truncate.add(`/latest/download/${HOST_BIN}`);
        const env: Record<string, string> = { VMPROBER_DOWNLOADER: dl.replace("busybox ", "") };
        if (dl === "busybox wget") {
          // A PATH where `wget` is busybox's applet.
          await Deno.mkdir(`${s.tmp}/../bb`);
          await Deno.symlink("/usr/bin/busybox", `${s.tmp}/../bb/wget`);
          env.PATH = `${s.tmp}/../bb:${Deno.env.get("PATH")}`;
        }
        const before = await s.tree();
        const run = await s.install([], env);
        assert.equal(run.code, 1);
        const size = standIn("1.1.0", HOST_TARGET).length;
        const why = {
          curl: `curl: (18) transfer closed with ${size - (size >> 1)} bytes remaining to read`,
          wget: `wget: Connection closed at byte ${size >> 1}. Giving up.`,
          "busybox wget": "wget: connection closed prematurely",
        }[dl];
        assert.equal(
          run.stderr,
          `vmprober-install: error: cannot download ${s.server.url}/latest/download/${HOST_BIN}: ` +
            `${why}\nvmprober-install: nothing was changed\n`,
        );
        assert.equal(await s.bin(), new TextDecoder().decode(standIn("1.0.0", HOST_TARGET)));
        assert.deepEqual(await s.tree(), before);
      });
    });
  }

  Deno.test(`install.sh (${sh}) names a missing release`, async () => {
    await scene(argv, async (s) => {
      const run = await s.install([], { VMPROBER_VERSION: "v9.9.9" });
      assert.equal(run.code, 1);
      assert.equal(
        run.stderr,
        `vmprober-install: error: cannot download ${s.server.url}/download/v9.9.9/SHA256SUMS: ` +
          `curl: (22) The requested URL returned error: 404\nvmprober-install: nothing was changed\n`,
      );
      assert.deepEqual(await s.tree(), []);
    });
  });

  Deno.test(`install.sh (${sh}) refuses an unsupported platform before downloading`, async () => {
    await scene(argv, async (s) => {
      const cases: [Record<string, string>, string][] = [
        [
          { VMPROBER_ARCH: "mips64" },
          'unsupported architecture "mips64": vmprober releases exist for x86_64 and aarch64 ' +
          "Linux (glibc) only",
        ],
        [
          { VMPROBER_OS: "FreeBSD" },
          'unsupported operating system "FreeBSD": vmprober releases are built for Linux ' +
          "(x86_64 and aarch64, glibc) only",
        ],
        [
          { VMPROBER_LIBC: "musl" },
          "this host uses the musl C library (e.g. Alpine, OpenWrt): the vmprober binary needs " +
          "glibc; run the bundle dist/vmprober.js with deno instead, or use a glibc host",
        ],
      ];
      for (const [env, why] of cases) {
        const run = await s.install([], env);
        assert.equal(run.code, 1);
        assert.equal(
          run.stderr,
          `vmprober-install: error: ${why}\nvmprober-install: nothing was changed\n`,
        );
      }
      assert.deepEqual(s.server.requests, []);
      assert.deepEqual(await s.tree(), []);
    });
  });

  Deno.test(`install.sh (${sh}) lays out another architecture under a root`, async () => {
    await scene(argv, async (s) => {
      const run = await s.install([], { VMPROBER_ARCH: "arm64" });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /installed .*: latest \(aarch64-unknown-linux-gnu\)/);
      assert.equal(
        await s.bin(),
        new TextDecoder().decode(standIn("1.0.0", "aarch64-unknown-linux-gnu")),
      );
    });
  });

  Deno.test(`install.sh (${sh}) installs an init.d or procd script instead of a unit`, async () => {
    for (const init of ["initd", "procd"]) {
      await scene(argv, async (s) => {
        const run = await s.install([], { VMPROBER_INIT: init });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(
          await Deno.readTextFile(`${s.root}/etc/init.d/vmprober`),
          await packaged(`vmprober.${init}`),
        );
        assert.equal(await mode(`${s.root}/etc/init.d/vmprober`), 0o755);
        assert.ok(!(await s.tree()).includes("etc/systemd/"));
        // --uninstall recognizes and removes it.
        const un = await s.install(["--uninstall"]);
        assert.equal(un.code, 0);
        assert.match(un.stdout, /removed the init script/);
        assert.ok(!(await s.tree()).includes("etc/init.d/vmprober"));
      });
    }
  });

  Deno.test(`install.sh (${sh}) undoes its changes when a step fails midway`, async () => {
    await scene(argv, async (s) => {
      // Fresh install: /etc/vmprober is a file, so the config dir cannot be made.
      await Deno.mkdir(`${s.root}/etc`);
      await Deno.writeTextFile(`${s.root}/etc/vmprober`, "in the way\n");
      const fresh = await s.install();
      assert.equal(fresh.code, 1);
      assert.equal(
        fresh.stderr,
        `vmprober-install: error: cannot create the directory ${s.root}/etc/vmprober: a file is ` +
          "in the way\nvmprober-install: undid the changes of this run\n",
      );
      assert.deepEqual(await s.tree(), ["etc/", "etc/vmprober"]);
      await Deno.remove(`${s.root}/etc`, { recursive: true });

      // Upgrade: the unit dir cannot be made; the old binary and unit come back.
      assert.equal((await s.install()).code, 0);
      await Deno.remove(`${s.root}/etc/systemd`, { recursive: true });
      await Deno.writeTextFile(`${s.root}/etc/systemd`, "in the way\n");
      await addStandInRelease(s.release, "1.1.0");
      const before = await s.tree();
      const upgrade = await s.install();
      assert.equal(upgrade.code, 1);
      assert.equal(
        upgrade.stderr,
        `vmprober-install: error: cannot create the directory ${s.root}/etc/systemd: a file is ` +
          "in the way\nvmprober-install: undid the changes of this run\n",
      );
      assert.equal(await s.bin(), new TextDecoder().decode(standIn("1.0.0", HOST_TARGET)));
      assert.deepEqual(await s.tree(), before);
    });
  });

  Deno.test(`install.sh (${sh}) refuses a binary that does not run here`, async () => {
    await scene(argv, async (s) => {
      assert.equal((await s.install()).code, 0);
      const broken = new TextEncoder().encode("#!/bin/sh\necho 'cannot load libc' >&2\nexit 127\n");
      // A self-consistent release (checksums match) whose binary fails to start.
      const { writeRelease } = await import("../../scripts/release.ts");
      await writeRelease({
        out: s.release,
        version: "1.1.0",
        binaries: {
          "x86_64-unknown-linux-gnu": broken,
          "aarch64-unknown-linux-gnu": broken,
        },
      });
      const before = await s.tree();
      const run = await s.install();
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /^vmprober-install: error: the downloaded binary does not run on this host: cannot load libc\n/,
      );
      assert.equal(await s.bin(), new TextDecoder().decode(standIn("1.0.0", HOST_TARGET)));
      assert.deepEqual(await s.tree(), before);
    });
  });

  Deno.test(`install.sh (${sh}) --uninstall keeps config and data, --purge removes them`, async () => {
    await scene(argv, async (s) => {
      assert.equal((await s.install()).code, 0);
      await Deno.writeTextFile(`${s.root}/var/lib/vmprober/wal/00000001.seg`, "data");
      const un = await s.install(["--uninstall"]);
      assert.equal(un.code, 0, un.stderr);
      assert.match(un.stdout, /removed the systemd unit\n/);
      assert.match(un.stdout, /kept .*\/etc\/vmprober and .*\/var\/lib\/vmprober \(remove them/);
      assert.deepEqual(await s.tree(), [
        "etc/",
        "etc/systemd/",
        "etc/systemd/system/",
        "etc/vmprober/",
        "etc/vmprober/vmprober.yaml",
        "usr/",
        "usr/local/",
        "usr/local/bin/",
        "var/",
        "var/lib/",
        "var/lib/vmprober/",
        "var/lib/vmprober/wal/",
        "var/lib/vmprober/wal/00000001.seg",
      ]);
      const purge = await s.install(["--uninstall", "--purge"]);
      assert.equal(purge.code, 0, purge.stderr);
      assert.match(purge.stdout, /removed .*\/etc\/vmprober\n.*removed .*\/var\/lib\/vmprober\n/);
      assert.deepEqual(await s.tree(), [
        "etc/",
        "etc/systemd/",
        "etc/systemd/system/",
        "usr/",
        "usr/local/",
        "usr/local/bin/",
        "var/",
        "var/lib/",
      ]);
      const again = await s.install(["--purge"]);
      assert.equal(again.code, 0);
      assert.match(again.stdout, /vmprober is not installed under /);
    });
  });

  Deno.test(`install.sh (${sh}) --help prints usage; an unknown option is an error`, async () => {
    await scene(argv, async (s) => {
      const help = await s.install(["--help"]);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage: install\.sh \[--no-start\]/);
      assert.match(help.stdout, /VMPROBER_BASE_URL/);
      const bad = await s.install(["--frobnicate"]);
      assert.equal(bad.code, 1);
      assert.equal(
        bad.stderr,
        'vmprober-install: error: unknown option "--frobnicate" (see --help)\n',
      );
      const rel = await s.install([], { VMPROBER_ROOT: "relative/root" });
      assert.equal(rel.code, 1);
      assert.match(rel.stderr, /VMPROBER_ROOT must be an absolute path, got "relative\/root"/);
      assert.deepEqual(s.server.requests, []);
    });
  });
}

Deno.test("install.sh, the init scripts and the namespace helper are shellcheck clean", async () => {
  const out = await new Deno.Command("shellcheck", {
    args: [
      "-s",
      "sh",
      "install.sh",
      "packaging/vmprober.initd",
      "packaging/vmprober.procd",
      "test/_support/release_host_ns.sh",
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(new TextDecoder().decode(out.stdout), "");
  assert.equal(out.code, 0);
});

Deno.test("packaging/vmprober.service passes systemd-analyze verify", {
  ignore: !await new Deno.Command("systemd-analyze", { args: ["--version"], stdout: "null" })
    .output().then((o) => o.success, () => false),
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "vmprober_unit_" });
  try {
    // The binary is not installed here: point ExecStart at /bin/true, verify every other line.
    const unit = (await packaged("vmprober.service"))
      .replace(/^ExecStart=\/usr\/local\/bin\/vmprober /m, "ExecStart=/bin/true ");
    assert.match(unit, /^ExecStart=\/bin\/true run --config/m);
    await Deno.writeTextFile(`${dir}/vmprober.service`, unit);
    const out = await new Deno.Command("systemd-analyze", {
      args: ["verify", `${dir}/vmprober.service`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    assert.equal(dec.decode(out.stderr) + dec.decode(out.stdout), "");
    assert.equal(out.code, 0);
    for (
      const line of [
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/vmprober",
        "AmbientCapabilities=CAP_NET_RAW",
        "Restart=always",
        "User=vmprober",
      ]
    ) assert.match(unit, new RegExp(`^${line}$`, "m"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
