import assert from "node:assert/strict";
import { echoFilterProgram, ID_MASK, programBytes } from "../../../src/probes/icmp/echo_filter.ts";
import type { BpfInstruction } from "../../../src/probes/icmp/echo_filter.ts";

/** A classic BPF interpreter for the opcodes the programs use; throws on any other. */
function runBpf(program: readonly BpfInstruction[], p: Uint8Array): number {
  let a = 0;
  let x = 0;
  for (let pc = 0, steps = 0; pc < program.length && steps < 100; steps++) {
    const { code, jt, jf, k } = program[pc]!;
    const byte = (i: number) => {
      if (i >= p.length) throw new RangeError("out of packet"); // the kernel drops: return 0
      return p[i]!;
    };
    try {
      switch (code) {
        case 0x30:
          a = byte(k);
          break;
        case 0x28:
          a = (byte(k) << 8) | byte(k + 1);
          break;
        case 0x50:
          a = byte(x + k);
          break;
        case 0x48:
          a = (byte(x + k) << 8) | byte(x + k + 1);
          break;
        case 0xb1:
          x = 4 * (byte(k) & 0xf);
          break;
        case 0x54:
          a = (a & k) >>> 0;
          break;
        case 0x15:
          pc += 1 + (a === k ? jt : jf);
          continue;
        case 0x06:
          return k;
        default:
          throw new Error(`opcode ${code}`);
      }
    } catch (e) {
      if (e instanceof RangeError) return 0;
      throw e;
    }
    pc++;
  }
  throw new Error("fell off the program");
}

const BASE = 0x4ab0;
/** An IPv4 packet (IHL `ihl`) carrying an ICMP message of `type` with `identifier`. */
const v4 = (type: number, identifier: number, ihl = 5) => {
  const p = new Uint8Array(ihl * 4 + 16);
  p[0] = 0x40 | ihl;
  p[ihl * 4] = type;
  p[ihl * 4 + 4] = identifier >> 8;
  p[ihl * 4 + 5] = identifier & 0xff;
  return p;
};
const v6 = (type: number, identifier: number) =>
  new Uint8Array([type, 0, 0, 0, identifier >> 8, identifier & 0xff, 0, 1, 9, 9]);

Deno.test("echoFilterProgram(4) passes our echo replies and ICMP errors, drops the rest", () => {
  const prog = echoFilterProgram(4, BASE);
  const pass = (p: Uint8Array) => runBpf(prog, p) > 0;
  for (let id = BASE; id < BASE + 16; id++) assert.equal(pass(v4(0, id)), true, `id ${id}`);
  assert.equal(pass(v4(0, BASE + 3, 15)), true, "IP options: the ICMP header found by IHL");
  assert.deepEqual(
    [BASE - 1, BASE + 16, 0, 0xffff, BASE ^ 0x8000].map((id) => pass(v4(0, id))),
    [false, false, false, false, false],
  );
  assert.equal(pass(v4(3, 0x1111)), true, "destination unreachable");
  assert.equal(pass(v4(11, 0x1111)), true, "time exceeded");
  assert.deepEqual([8, 5, 12, 13, 255].map((t) => pass(v4(t, BASE))), [
    false,
    false,
    false,
    false,
    false,
  ]);
  assert.equal(pass(new Uint8Array([0x45, 0, 0])), false, "short packet");
});

Deno.test("echoFilterProgram(6) passes our echo replies and ICMPv6 errors 1-3, drops the rest", () => {
  const prog = echoFilterProgram(6, BASE);
  const pass = (p: Uint8Array) => runBpf(prog, p) > 0;
  for (let id = BASE; id < BASE + 16; id++) assert.equal(pass(v6(129, id)), true);
  assert.deepEqual([BASE - 1, BASE + 16, 0].map((id) => pass(v6(129, id))), [false, false, false]);
  assert.deepEqual([1, 2, 3].map((t) => pass(v6(t, 7))), [true, true, true]);
  assert.deepEqual([128, 4, 133, 135, 136].map((t) => pass(v6(t, BASE))), [
    false,
    false,
    false,
    false,
    false,
  ]);
});

Deno.test("echoFilterProgram() refuses a base that is not a block start", () => {
  assert.throws(() => echoFilterProgram(4, BASE + 1), /identifier base 19121 not aligned/);
  assert.equal(ID_MASK & 0xf, 0);
});

Deno.test("programBytes() lays out struct sock_filter (u16 code, u8 jt, u8 jf, u32 k; LE)", () => {
  const bytes = programBytes([{ code: 0x15, jt: 2, jf: 3, k: 0x01020304 }]);
  assert.deepEqual([...bytes], [0x15, 0, 2, 3, 4, 3, 2, 1]);
});
