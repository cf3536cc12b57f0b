import assert from "node:assert/strict";
import { snappyLength, snappyUncompressInto } from "../../src/wal/snappy_into.ts";
import { snappyCompress, snappyUncompress } from "../../src/wal/snappy.ts";

/** Bytes with runs, repeats at every distance and noise, from a fixed seed. */
function sample(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8;
  for (let i = 0; i < n;) {
    const kind = next() % 4;
    const len = 1 + (next() % 300);
    for (let k = 0; k < len && i < n; k++, i++) {
      if (kind === 0) out[i] = next() & 255; // noise: literals
      else if (kind === 1) out[i] = 7; // a run: overlapping copies
      else { // a repeat of earlier bytes, near or up to ~70 KB back (all three copy kinds)
        const back = kind === 2 ? 1 + (next() % 2000) : 1 + (next() % 70_000);
        out[i] = i >= back ? out[i - back]! : 0;
      }
    }
  }
  return out;
}

Deno.test("snappyUncompressInto() decodes what snappyCompress() writes, reusing one buffer", () => {
  const out = new Uint8Array(300_000);
  for (let seed = 1; seed <= 40; seed++) {
    const data = sample(seed, (seed * 7919) % 300_000);
    const packed = snappyCompress(data);
    assert.equal(snappyLength(packed), data.length);
    assert.equal(snappyUncompressInto(packed, out), data.length);
    assert.deepEqual(out.subarray(0, data.length), data, `seed ${seed}`);
    assert.deepEqual(out.subarray(0, data.length), snappyUncompress(packed));
  }
});

Deno.test("snappyUncompressInto() reads every copy kind and rejects a damaged or truncated block", () => {
  const packed = snappyCompress(sample(3, 50_000));
  const out = new Uint8Array(60_000);
  assert.throws(() => snappyUncompressInto(packed.subarray(0, packed.length - 5), out), {
    name: "SyntaxError",
  });
  assert.throws(() => snappyUncompressInto(packed, new Uint8Array(100)), {
    name: "RangeError",
    message: "Cannot uncompress snappy: buffer too small",
  });
  // A copy with a 4-byte offset (snappyjs never writes one): "abcd", then 4 bytes from 4 back.
  const abcd = new Uint8Array([8, 0x0c, 97, 98, 99, 100, 0x0f, 4, 0, 0, 0]);
  assert.equal(snappyUncompressInto(abcd, out), 8);
  assert.equal(new TextDecoder().decode(out.subarray(0, 8)), "abcdabcd");
  // A copy from before the start of the output.
  assert.throws(() => snappyUncompressInto(new Uint8Array([4, 0x0d, 0x09]), out), {
    name: "SyntaxError",
    message: "Cannot uncompress snappy: bad element",
  });
});
