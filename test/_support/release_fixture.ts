/**
 * @module Release folders for install tests: the real layout from `scripts/release.ts` with small
 * stand-in binaries (shell scripts that print their version), plus a runner for `install.sh` under
 * a chosen shell, in a temporary `VMPROBER_ROOT`.
 */
import { ROOT } from "../../scripts/bundle.ts";
import { type Target, TARGETS } from "../../scripts/build.ts";
import { writeRelease } from "../../scripts/release.ts";
import { type CapturedRun, runCaptured } from "./run_captured.ts";

/** The shells install.sh must run under. */
export const SHELLS: { name: string; argv: string[] }[] = [
  { name: "dash", argv: ["dash"] },
  { name: "busybox sh", argv: ["busybox", "sh"] },
];

/** The host's release target (what install.sh detects here). */
export const HOST_TARGET: Target = Deno.build.arch === "aarch64"
  ? "aarch64-unknown-linux-gnu"
  : "x86_64-unknown-linux-gnu";

/**
 * A stand-in binary: a shell script answering `version` like the real one; `run` also prints the
 * user it runs as and its arguments (what a service manager started).
 */
export function standIn(version: string, target: Target): Uint8Array {
  return new TextEncoder().encode(
    `#!/bin/sh\nif [ "$1" = run ]; then echo "stand-in run by $(id -un): $*"; fi\n` +
      `echo "vmprober ${version} (stand-in, ${target})"\n`,
  );
}

/** Add release `version` with stand-in binaries to the folder `dir` (also as `latest`). */
export async function addStandInRelease(
  dir: string,
  version: string,
  options: { latest?: boolean; override?: Record<string, Uint8Array> } = {},
): Promise<void> {
  const binaries = Object.fromEntries(TARGETS.map((t) => [t, standIn(version, t)])) as Record<
    Target,
    Uint8Array
  >;
  await writeRelease({ out: dir, version, binaries, ...options });
}

/** What one run of install.sh did. */
export type InstallRun = CapturedRun;

/** Run `install.sh ARGS` under `shell` with `env` (PATH is passed through if unset). */
export function runInstall(
  shell: string[],
  args: string[],
  env: Record<string, string>,
): Promise<InstallRun> {
  return runCaptured([...shell, `${ROOT}install.sh`, ...args], {
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...env },
  });
}

/** Every path under `dir`, relative, sorted (directories end in `/`). */
export async function listTree(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(`${dir}/${prefix}`)) {
    const rel = `${prefix}${e.name}`;
    if (e.isDirectory) out.push(`${rel}/`, ...await listTree(dir, `${rel}/`));
    else out.push(rel);
  }
  return out.sort();
}
