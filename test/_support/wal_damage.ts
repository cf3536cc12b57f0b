/**
 * @module Test helper for planted-damage WAL tests: a real WAL of numbered one-sample records, its
 * layout (record offsets and sizes, segment starts), and read-back of every value in order.
 */
import assert from "node:assert/strict";
import { Registry } from "../../src/base/prom.ts";
import { openWal, type WalOptions } from "../../src/wal/wal.ts";
import type { Wal } from "../../src/wal/types.ts";
import { inspectJson } from "./wal_cli.ts";
import { walValues } from "./wal_read_back.ts";
export { range } from "./wal_read_back.ts";
import { walTestOptions } from "./wal_test_options.ts";
import { seqBody } from "./wal_fixture.ts";

/** Records in a {@linkcode buildWal} WAL. */
export const N = 60;

/** WAL options of the damage tests: 1 KiB segments, fsync always. */
export function damageOptions(dir: string, registry?: Registry): WalOptions {
  return walTestOptions(dir, { registry });
}

/** A WAL directory and where its records sit. */
export interface Layout {
  dir: string;
  /** Per record: its offset, its size, its segment's start. */
  records: Array<{ offset: number; size: number; segment: number }>;
  segments: number[];
}

/** A WAL of `n` one-sample records (values 0..n-1), one record per flush. */
export async function buildWal(n = N, dir?: string): Promise<Layout> {
  dir ??= await Deno.makeTempDir({ prefix: "wal_damage_" });
  await using wal = await openWal(damageOptions(dir));
  for (let i = 0; i < n; i++) {
    wal.append(seqBody(i), 1);
    await wal.flush();
  }
  const segments = [...Deno.readDirSync(dir)].filter((e) => /^\d{20}$/.test(e.name))
    .map((e) => Number(e.name)).sort((a, b) => a - b);
  const records = [];
  let offset = 0;
  while (records.length < n) {
    const es = await wal.read(offset, { maxBytes: 1 << 20 });
    assert.ok(es.length > 0);
    for (const e of es) {
      const segment = segments.filter((s) => s <= e.offset).at(-1)!;
      records.push({ offset: e.offset, size: e.nextOffset - e.offset, segment });
      offset = e.nextOffset;
    }
  }
  return { dir, records, segments };
}

/** Runs `fn` on a fresh {@linkcode buildWal} layout and removes its directory afterwards. */
export async function withWal(fn: (l: Layout) => Promise<void>): Promise<void> {
  const l = await buildWal();
  try {
    await fn(l);
  } finally {
    await Deno.remove(l.dir, { recursive: true });
  }
}

/** The path of the segment starting at `start`. */
export const segPath = (dir: string, start: number): string =>
  `${dir}/${String(start).padStart(20, "0")}`;

/** Every value from the push position on, in order. */
export function values(wal: Wal): Promise<number[]> {
  return walValues(wal, { from: wal.pushPosition, maxBytes: 4096 });
}

/** Names and bytes of every file (recursively): to prove that inspection changes nothing. */
export function snapshot(dir: string): string {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort().map((n) => {
    const info = Deno.lstatSync(`${dir}/${n}`);
    if (info.isDirectory) return `${n}/{${snapshot(`${dir}/${n}`)}}`;
    if (!info.isFile) return `${n}:special`;
    if (info.size > 1 << 20) return `${n}:${info.size} bytes, mtime ${info.mtime?.getTime()}`;
    return `${n}:${Array.from(Deno.readFileSync(`${dir}/${n}`)).join(",")}`;
  }).join("|");
}

/** Runs inspect (asserting it changes nothing), then opens the WAL with a fresh registry. */
export async function inspectThenOpen(dir: string) {
  const before = snapshot(dir);
  const report = await inspectJson(dir);
  assert.equal(snapshot(dir), before, "wal inspect must not modify the WAL");
  const registry = new Registry();
  const wal = await openWal(damageOptions(dir, registry));
  return { report, registry, wal };
}

/** Appends one record (value 1000) and checks that it is read back after `expectedBefore`. */
export async function assertAppendsWork(wal: Wal, expectedBefore: number[]): Promise<void> {
  assert.equal(wal.append(seqBody(1000), 1), true);
  await wal.flush();
  assert.deepEqual(await values(wal), [...expectedBefore, 1000]);
}
