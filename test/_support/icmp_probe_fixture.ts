/**
 * @module A tiny prober process for ICMP integration tests: runs one ICMP probe and prints one
 * JSON line `{kinds, helper, outcome}`. Args: HOST [COUNT] [INTERVAL_MS] [KINDS] [TIMEOUT_MS],
 * KINDS like `dgram,raw`.
 */
import { createIcmpProbe } from "../../src/probes/icmp/icmp_probe.ts";
import type { SocketHelper } from "../../src/probes/icmp/socket_helper.ts";
import type { SocketKind } from "../../src/probes/icmp/ffi_socket.ts";

const [host = "127.0.0.1", count = "5", interval = "10", kinds = "dgram,raw", timeout = "2000"] =
  Deno.args;
await using probe = createIcmpProbe({
  helper: "socket",
  socket: { kinds: kinds.split(",") as SocketKind[] },
});
const helper = probe.helper("socket") as SocketHelper;
const outcome = await probe.run({
  target: host,
  host,
  probe: "icmp",
  type: "icmp",
  timeoutMs: Number(timeout),
  ipProtocol: "auto",
  options: {
    type: "icmp",
    count: Number(count),
    packet_interval: Number(interval),
    helper: "socket",
  },
}, new AbortController().signal);
console.log(JSON.stringify({ kinds: helper.kinds, helper: helper.name, outcome }));
