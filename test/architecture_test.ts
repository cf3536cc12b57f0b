/**
 * The layer order of src/, in one place, and a check that every import in src/ runs down it:
 * a module imports only modules of its own layer or of a lower one.
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Lowest first. The data flow runs config → targets → schedule → pool → probes → results →
 * metrics, then wal → push; base/ (and log.ts, version.ts) is the ground floor every layer may
 * use; http/, cli/ and the composition root sit at the edge and may import anything.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ["base", "log.ts", "version.ts"],
  ["net"],
  ["config"],
  ["targets"],
  ["schedule"],
  ["pool"],
  ["probes"],
  ["results"],
  ["metrics"],
  ["wal"],
  ["push"],
  [
    "http",
    "cli",
    "agent.ts",
    "agent_parts.ts",
    "agent_push.ts",
    "agent_targets.ts",
    "agent_api.ts",
    "main.ts",
    "malloc_trim.ts",
    "startup_memory.ts",
  ],
];

/** The layer of a path relative to src/ (`schedule/job.ts` → its index in LAYERS). */
export function layerOf(path: string): number {
  const top = path.split("/")[0]!;
  const i = LAYERS.findIndex((names) => names.includes(top));
  if (i < 0) throw new RangeError(`Cannot place ${path}: no layer lists "${top}"`);
  return i;
}

/** Relative imports (static, type-only, re-exports, dynamic) of one module's source. */
export function importsOf(source: string): string[] {
  const specs = [...source.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)].map((m) => m[1]!);
  return [...new Set(specs)];
}

/** Every import that runs against the order, as `from → to` (paths relative to src/). */
export function upwardImports(files: ReadonlyMap<string, string>): string[] {
  const bad: string[] = [];
  for (const [path, source] of files) {
    for (const spec of importsOf(source)) {
      const to = join(dirname(path), spec);
      if (to.startsWith("..")) {
        bad.push(`${path} → ${to} (outside src/)`);
      } else if (layerOf(to) > layerOf(path)) {
        bad.push(`${path} → ${to}`);
      }
    }
  }
  return bad.sort();
}

async function readSrc(): Promise<Map<string, string>> {
  const root = fileURLToPath(new URL("../src/", import.meta.url));
  const files = new Map<string, string>();
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory) await walk(p);
      else if (/\.tsx?$/.test(e.name)) files.set(relative(root, p), await Deno.readTextFile(p));
    }
  };
  await walk(root);
  return files;
}

Deno.test("src/ imports run down the layer order only", async () => {
  const files = await readSrc();
  assert.ok(files.size > 50, `read ${files.size} modules`);
  assert.deepEqual(upwardImports(files), []);
});

Deno.test("upwardImports() catches a planted import against the order", async () => {
  const files = await readSrc();
  const planted = new Map(files);
  planted.set(
    "config/load.ts",
    `${files.get("config/load.ts")}\nimport type { Wal } from "../wal/types.ts";\n`,
  );
  planted.set("base/clock.ts", `${files.get("base/clock.ts")}\nexport * from "../agent.ts";\n`);
  const before = new Set(upwardImports(files));
  assert.deepEqual(upwardImports(planted).filter((bad) => !before.has(bad)), [
    "base/clock.ts → agent.ts",
    "config/load.ts → wal/types.ts",
  ]);
});

Deno.test("layerOf() rejects a top-level name no layer lists", () => {
  assert.throws(() => layerOf("stray/x.ts"), {
    name: "RangeError",
    message: 'Cannot place stray/x.ts: no layer lists "stray"',
  });
});
