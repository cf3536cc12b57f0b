import assert from "node:assert/strict";
import {
  errnoReader,
  setTtl,
  sockaddrWithPort,
  type TtlSymbols,
} from "../../../src/probes/path/ttl_socket_ffi.ts";
import { C } from "../../../src/probes/icmp/libc.ts";

function recorder(result: number) {
  const calls: number[][] = [];
  const f: TtlSymbols = {
    setsockopt(fd, level, name, value, len) {
      calls.push([fd, level, name, new Int32Array(value.buffer)[0]!, len]);
      return result;
    },
    __errno_location: () => null,
  };
  return { f, calls };
}

Deno.test("setTtl() sets IP_TTL on IPv4 and IPV6_UNICAST_HOPS on IPv6, returning setsockopt's result", () => {
  const { f, calls } = recorder(0);
  assert.equal(setTtl(f, 7, 4, 3), 0);
  assert.equal(setTtl(f, 8, 6, 255), 0);
  assert.deepEqual(calls, [
    [7, C.IPPROTO_IP, C.IP_TTL, 3, 4],
    [8, C.IPPROTO_IPV6, C.IPV6_UNICAST_HOPS, 255, 4],
  ]);
  assert.equal(setTtl(recorder(-1).f, 7, 4, 1), -1);
});

Deno.test("errnoReader() reads 0 when libc hands no errno location", () => {
  assert.equal(errnoReader(recorder(0).f)(), 0);
});

Deno.test("sockaddrWithPort() writes the port big-endian after the family", () => {
  const sa = sockaddrWithPort("127.0.0.1", 4, 33434);
  assert.deepEqual([...sa.subarray(2, 8)], [0x82, 0x9a, 127, 0, 0, 1]);
  const sa6 = sockaddrWithPort("::1", 6, 65535);
  assert.deepEqual([sa6.length, sa6[2], sa6[3], sa6[23]], [28, 0xff, 0xff, 1]);
});
