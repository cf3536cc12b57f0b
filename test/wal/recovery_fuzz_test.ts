/**
 * WAL recovery fuzz: a fixed seed, 10,000 damaged copies of one real WAL (byte flips, cuts, zero
 * pages, planted files of segment shape, planted position files, and mixes). Invariants: recovery
 * never throws or hangs; every record whose frame is untouched is recovered; the bytes of the log
 * are accounted exactly (valid records + damaged bytes = segment bytes); single faults cost exactly
 * the records they touched, counted by header where the header parses and as unparsable bytes
 * otherwise; the push position is a record boundary; repairing twice finds nothing new.
 */
import assert from "node:assert/strict";
import { recoverWal, type Recovery } from "../../src/wal/recover.ts";
import { POSITION_FILE, writePosition } from "../../src/wal/position.ts";
import { buildWal, type Layout as WalLayout } from "../_support/wal_damage.ts";
import { mulberry32 } from "../_support/seeded_random.ts";

/** The template WAL: its layout and the bytes of each segment. */
type Layout = WalLayout & { files: Map<number, Uint8Array> };

const SEED = 0x5eed_13;
const ITERATIONS = Number(Deno.env.get("FUZZ_N") ?? 10_000);
const RECORDS = 40;

const name = (start: number) => String(start).padStart(20, "0");
const u32 = (b: Uint8Array, at: number) =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

interface Case {
  files: Map<number, Uint8Array>;
  /** Records touched by single faults (their template index). */
  touched: Set<number>;
  kind: "flip" | "zero" | "cut" | "plant" | "position" | "mix";
  cutLast?: boolean;
  /** What was done, for the failure message. */
  did: string[];
  /** Files that differ from the template (the others are hard links to it). */
  dirty: Set<number>;
  /** A planted file holds valid records (a copy of a segment's head or of a whole segment). */
  copies?: boolean;
  position?: (dir: string) => Promise<void>;
}

/** Applies one fault chosen by `rand` to `c` (a copy of the template). */
function fault(c: Case, l: Layout, rand: () => number, kind: string): void {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const segs = l.segments;
  const touch = (seg: number, from: number, to: number) => {
    l.records.forEach((r, i) => {
      if (r.segment === seg && r.offset - seg < to && r.offset - seg + r.size > from) {
        c.touched.add(i);
      }
    });
  };
  if (kind === "flip") {
    const seg = pick(segs);
    const bytes = c.files.get(seg)!;
    if (bytes.length === 0) return;
    const at = Math.floor(rand() * bytes.length);
    bytes[at]! ^= 1 + Math.floor(rand() * 255);
    c.dirty.add(seg);
    touch(seg, at, at + 1);
    c.did.push(`flip ${seg}+${at}`);
  } else if (kind === "zero") {
    const seg = pick(segs);
    const bytes = c.files.get(seg)!;
    const at = Math.floor(rand() * bytes.length);
    const end = Math.min(bytes.length, at + 1 + Math.floor(rand() * 600));
    if ([...bytes.subarray(at, end)].every((b) => b === 0)) return;
    bytes.fill(0, at, end);
    c.dirty.add(seg);
    touch(seg, at, end);
    c.did.push(`zero ${seg}+${at}..${end}`);
  } else if (kind === "cut") {
    const seg = pick(segs);
    const bytes = c.files.get(seg)!;
    const len = Math.floor(rand() * bytes.length);
    c.files.set(seg, bytes.slice(0, len));
    c.dirty.add(seg);
    touch(seg, len, Infinity);
    c.cutLast = seg === segs.at(-1);
    c.did.push(`cut ${seg} to ${len}`);
  } else if (kind === "plant") {
    const end = l.records.at(-1)!.offset + l.records.at(-1)!.size;
    let at = 1 + Math.floor(rand() * (end + 1500));
    while (c.files.has(at)) at++;
    const src = l.files.get(pick(segs))!;
    const shape = Math.floor(rand() * 4);
    const bytes = shape === 0
      ? new Uint8Array(0)
      : shape === 1
      ? Uint8Array.from({ length: 1 + Math.floor(rand() * 1200) }, () => Math.floor(rand() * 256))
      : shape === 2
      ? src.slice(0, 1 + Math.floor(rand() * src.length))
      : src.slice();
    c.files.set(at, bytes);
    c.dirty.add(at);
    if (shape >= 2) c.copies = true;
    c.did.push(`plant ${at} shape ${shape} of ${bytes.length} bytes`);
  } else if (kind === "position") {
    const shape = Math.floor(rand() * 5);
    const offset = Math.floor(rand() * 8000);
    c.did.push(`position shape ${shape}`);
    c.position = async (dir) => {
      const p = `${dir}/${POSITION_FILE}`;
      if (shape === 0) await Deno.writeTextFile(p, `${offset} deadbeef\n`);
      else if (shape === 1) await Deno.mkdir(p);
      else if (shape === 2) await Deno.symlink(POSITION_FILE, p);
      else if (shape === 3) {
        using f = await Deno.open(p, { write: true, create: true });
        await f.truncate(1 << 33);
      } else await writePosition(dir, offset);
    };
  }
}

/** Recovery, failing the test if it takes more than 5 s. */
async function bounded(dir: string, repair: boolean, ctx: string): Promise<Recovery> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${ctx}: recovery hangs`)), 5000);
  });
  try {
    return await Promise.race([recoverWal(dir, { repair }), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Keys (checksum:size) of every record recovered, read from the damaged files. */
function recoveredKeys(rec: Recovery, files: Map<number, Uint8Array>): string[] {
  const keys: string[] = [];
  for (const s of rec.index.segments) {
    const bytes = files.get(s.start)!;
    s.offsets.forEach((o, k) => keys.push(`${u32(bytes, o - s.start + 4)}:${s.sizes[k]}`));
  }
  return keys;
}

function check(rec: Recovery, c: Case, l: Layout, ctx: string): void {
  const keys = recoveredKeys(rec, c.files);
  const have = new Map<string, number>();
  for (const k of keys) have.set(k, (have.get(k) ?? 0) + 1);
  // Every intact template record is recovered (planted copies may add duplicates, never remove).
  const intact = l.records.map((r, i) => ({ r, i })).filter(({ r }) => {
    const now = c.files.get(r.segment)!;
    const was = l.files.get(r.segment)!;
    const at = r.offset - r.segment;
    if (now.length < at + r.size) return false;
    for (let j = at; j < at + r.size; j++) if (now[j] !== was[j]) return false;
    return true;
  });
  // A copy of a segment planted over a segment whose neighbour was cut can fit the chain as well
  // as the real one; then the file with more records found nowhere else wins (see overlap.ts).
  const ambiguous = c.copies === true && c.did.some((d) => d.startsWith("cut"));
  for (const { r, i } of ambiguous ? [] : intact) {
    const k = `${u32(l.files.get(r.segment)!, r.offset - r.segment + 4)}:${r.size}`;
    assert.ok((have.get(k) ?? 0) > 0, `${ctx}: intact record ${i} lost`);
  }
  // Exact byte accounting: segment bytes = valid record bytes + damaged bytes.
  let valid = 0;
  for (const s of rec.index.segments) for (const z of s.sizes) valid += z;
  assert.equal(rec.index.bytes(), valid + rec.corruptBytes, `${ctx}: bytes`);
  assert.ok(rec.corruptUnparsedBytes <= rec.corruptBytes, ctx);
  const ref = rec.index.find(rec.pushPosition);
  const boundary = ref
    ? rec.index.segments[ref.seg]!.offsets[ref.rec]
    : rec.index.endOffset(rec.pushPosition);
  assert.equal(rec.pushPosition, boundary, `${ctx}: position on a record boundary`);
  if (c.kind === "mix" || c.kind === "plant" || c.kind === "position") {
    // Alone, a planted file past the log's end is its last segment: a tail cut, never damage.
    if (c.kind !== "mix") assert.equal(rec.corruptRecords + rec.corruptBytes, 0, ctx);
    if (c.kind !== "mix") assert.ok(keys.length >= RECORDS, ctx);
    return;
  }
  // A single flip, zero page or cut costs exactly the records it touched.
  const lost = [...c.touched];
  const lostBytes = lost.reduce((n, i) => n + l.records[i]!.size, 0);
  assert.equal(keys.length, RECORDS - lost.length, `${ctx}: records`);
  assert.equal(intact.length, RECORDS - lost.length, ctx);
  if (c.kind === "cut") {
    const cutBytes = rec.corruptBytes + rec.truncatedBytes;
    if (c.cutLast) assert.equal(rec.missingBytes, 0, ctx);
    else assert.equal(cutBytes + rec.missingBytes, lostBytes, `${ctx}: cut bytes`);
  } else {
    assert.equal(rec.corruptBytes + rec.truncatedBytes, lostBytes, `${ctx}: damaged bytes`);
    assert.equal(rec.missingBytes, 0, ctx);
  }
  assert.ok(rec.corruptRecords <= lost.length, `${ctx}: counted more records than lost`);
  // Unless bytes went uncounted by headers (or the last segment simply ends early, which leaves no
  // trace), every lost record is counted.
  const traceless = c.kind === "cut" && c.cutLast;
  if (
    !traceless && rec.corruptUnparsedBytes === 0 && rec.truncatedBytes === 0 &&
    rec.missingBytes === 0
  ) {
    assert.equal(
      rec.corruptRecords,
      lost.length,
      `${ctx}: every lost record counted ${
        JSON.stringify({
          ...rec,
          index: undefined,
          lost,
          segs: l.segments,
          sizes: [...c.files.values()].map((b) => b.length),
        })
      }`,
    );
  }
}

Deno.test(`recoverWal() fuzz: ${ITERATIONS} damaged copies of a WAL, seed ${SEED}`, async () => {
  const shm = await Deno.stat("/dev/shm").then((s) => s.isDirectory, () => false);
  const base = await Deno.makeTempDir({ prefix: "wal_fuzz_", dir: shm ? "/dev/shm" : undefined });
  try {
    const built = await buildWal(RECORDS, `${base}/template`);
    const l = {
      ...built,
      files: new Map(
        built.segments.map((s) => [s, Deno.readFileSync(`${base}/template/${name(s)}`)]),
      ),
    };
    const rand = mulberry32(SEED);
    const kinds = ["flip", "zero", "cut", "plant", "position", "mix"] as const;
    const seen: Record<string, number> = {};
    const run = async (it: number, c: Case) => {
      const dir = `${base}/${it}`;
      const repair = it % 25 === 0;
      await Deno.mkdir(dir);
      for (const [s, b] of c.files) {
        const path = `${dir}/${name(s)}`;
        // Repair may truncate a file in place: never through a link to the template.
        if (c.dirty.has(s) || repair) await Deno.writeFile(path, b);
        else await Deno.link(`${base}/template/${name(s)}`, path);
      }
      await c.position?.(dir);
      const ctx = `iteration ${it} (${c.did.join(", ")})`;
      check(await bounded(dir, false, ctx), c, l, ctx);
      if (repair) {
        const first = await bounded(dir, true, ctx);
        const again = await bounded(dir, false, ctx);
        assert.deepEqual(again.quarantinedFiles, [], `${ctx}: nothing left to set aside`);
        assert.equal(again.index.records(), first.index.records(), `${ctx}: repair kept records`);
        assert.equal(again.positionState === "corrupt", false, `${ctx}: position repaired`);
      }
      await Deno.remove(dir, { recursive: true });
    };
    // Cases are drawn in order from the one PRNG; their I/O runs a few at a time.
    const inFlight = new Set<Promise<void>>();
    for (let it = 0; it < ITERATIONS; it++) {
      const kind = kinds[it % kinds.length]!;
      seen[kind] = (seen[kind] ?? 0) + 1;
      const c: Case = {
        files: new Map([...l.files].map(([s, b]) => [s, b.slice()])),
        touched: new Set(),
        kind,
        did: [],
        dirty: new Set(),
      };
      if (kind === "mix") {
        for (let n = 2 + Math.floor(rand() * 3); n > 0; n--) {
          fault(c, l, rand, kinds[Math.floor(rand() * 5)]!);
        }
      } else fault(c, l, rand, kind);
      const p = run(it, c).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 4) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    assert.deepEqual(Object.values(seen).reduce((a, b) => a + b, 0), ITERATIONS);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
