/**
 * @module install.sh installing the real CLI: the release's x86_64/aarch64 "binary" is the esbuild
 * bundle behind a `#!/bin/sh` line that execs `deno run <scripts/deno_flags>` on it, so the
 * installer's own check (`vmprober version`) and the installed command run the real code with the
 * binary's flags.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { readDenoFlags } from "../../scripts/permissions.ts";
import { writeRelease } from "../../scripts/release.ts";
import { E2E_COMMIT, E2E_VERSION, testBundle } from "../_support/bundle_cli.ts";
import { HOST_TARGET, runInstall } from "../_support/release_fixture.ts";
import { serveRelease } from "../_support/release_server.ts";

Deno.test("install.sh (dash) installs the real bundle, which runs version and check-config", async () => {
  const base = await Deno.makeTempDir({ prefix: "vmprober_install_bundle_" });
  try {
    const { file } = await testBundle();
    // A shell line rather than `#!/usr/bin/env -S deno run <flags>`: the kernel cuts a `#!` line
    // at 256 bytes, shorter than the flags. Deno skips the `#!` line; `//…` is a JS comment.
    const shebang = `#!/bin/sh\n//bin/true; exec deno run ${
      (await readDenoFlags()).join(" ")
    } "$0" "$@"\n`;
    const wrapped = new Uint8Array([
      ...new TextEncoder().encode(shebang),
      ...await Deno.readFile(file),
    ]);
    await writeRelease({
      out: `${base}/release`,
      version: "0.1.0",
      binaries: { "x86_64-unknown-linux-gnu": wrapped, "aarch64-unknown-linux-gnu": wrapped },
    });
    await Deno.mkdir(`${base}/root`);
    await Deno.mkdir(`${base}/tmp`);
    const env = {
      PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH")}`,
      DENO_NO_UPDATE_CHECK: "1",
      HOME: base,
      DENO_DIR: `${base}/deno_dir`,
    };
    await using server = serveRelease(`${base}/release`);
    const run = await runInstall(["dash"], [], {
      ...env,
      VMPROBER_BASE_URL: server.url,
      VMPROBER_ROOT: `${base}/root`,
      TMPDIR: `${base}/tmp`,
    });
    assert.equal(run.stderr, "");
    assert.equal(run.code, 0);
    const version =
      `vmprober ${E2E_VERSION} (commit ${E2E_COMMIT}, deno ${Deno.version.deno}, ${HOST_TARGET})`;
    assert.match(
      run.stdout,
      new RegExp(`installed .*/usr/local/bin/vmprober: ${version.replace(/[().]/g, "\\$&")}\n`),
    );

    const bin = `${base}/root/usr/local/bin/vmprober`;
    const cmd = (args: string[]) =>
      new Deno.Command(bin, {
        args,
        cwd: base,
        env,
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      })
        .output();
    const v = await cmd(["version"]);
    assert.equal(new TextDecoder().decode(v.stdout), `${version}\n`);
    const config = `${base}/root/etc/vmprober/vmprober.yaml`;
    const check = await cmd(["check-config", "--config", config]);
    assert.equal(new TextDecoder().decode(check.stderr), "");
    assert.equal(check.code, 0);
    assert.match(new TextDecoder().decode(check.stdout), new RegExp(`^${config}: OK\n`));
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
