/**
 * @module How one run sends its probes, one sender per protocol: ICMP echo requests on the
 * shared raw socket (keyed by identifier and sequence), UDP datagrams from the run's own socket
 * to port + sequence, TCP SYNs each from a socket of its own (both keyed by their ports). A
 * sender files each probe it sent under its key and removes its run's keys when closed.
 */
import { buildEchoRequest } from "../icmp/echo_packet.ts";
import type { IcmpSocket } from "../icmp/ffi_socket.ts";
import type { PendingTables } from "./trace_match.ts";
import type { Pending, RunState } from "./trace_run.ts";
import type { TcpSender } from "./tcp_sender.ts";
import type { TraceOptions } from "./types.ts";
import type { UdpSender } from "./udp_sender.ts";

/** Sends the probes of one run. */
export interface RunSender {
  /** Sends `entry`'s probe (sequence `sequence`) and files it; the errno when the send failed. */
  send(entry: Pending, sequence: number): number | undefined;
  /** Removes this run's probes from the tables and releases what the sender opened. */
  close(): void;
}

/** What every run sender works with. */
export interface RunContext {
  socket: IcmpSocket;
  tables: PendingTables;
  ip: string;
  opts: TraceOptions;
  run: RunState;
}

/** Echo requests with `identifier` on the raw socket itself. */
export function icmpRunSender(ctx: RunContext, identifier: number): RunSender {
  const { socket, tables, ip, opts, run } = ctx;
  const keys: number[] = [];
  return {
    send(entry, sequence) {
      const key = identifier * 65536 + sequence;
      const packet = buildEchoRequest({
        family: socket.family,
        identifier,
        sequence,
        cookie: run.cookie,
        size: opts.size,
      });
      const sent = socket.send(ip, packet, entry.ttl);
      if ("errno" in sent) return sent.errno;
      entry.sentNs = sent.sentNs;
      tables.icmp.set(key, entry);
      keys.push(key);
      return undefined;
    },
    close() {
      for (const key of keys) tables.icmp.delete(key);
    },
  };
}

/** Datagrams carrying the cookie from the run's own UDP socket, closed with the sender. */
export function udpRunSender(ctx: RunContext, sender: UdpSender): RunSender {
  const { socket, tables, ip, opts, run } = ctx;
  const keys: number[] = [];
  const payload = new Uint8Array(opts.size);
  payload.set(run.cookie);
  for (let i = run.cookie.length; i < opts.size; i++) payload[i] = i & 0xff;
  return {
    send(entry, sequence) {
      const dport = opts.port + sequence;
      const key = sender.port * 65536 + dport;
      entry.sentNs = socket.realtimeNs();
      const failed = sender.send(ip, dport, payload, entry.ttl);
      if (failed) return failed.errno;
      tables.udp.set(key, entry);
      keys.push(key);
      return undefined;
    },
    close() {
      for (const key of keys) tables.udp.delete(key);
      sender.close();
    },
  };
}

/** SYNs to `opts.port`, each from its own socket (the shared `sender` outlives the run). */
export function tcpRunSender(ctx: RunContext, sender: TcpSender): RunSender {
  const { socket, tables, ip, opts, run } = ctx;
  const keys: number[] = [];
  return {
    send(entry) {
      entry.sentNs = socket.realtimeNs();
      const probe = sender.connect(ip, opts.port, entry.ttl);
      if ("errno" in probe) return probe.errno;
      const key = probe.port * 65536 + opts.port;
      entry.tcp = probe;
      tables.tcp.set(key, entry);
      keys.push(key);
      return undefined;
    },
    close() {
      for (const key of keys) {
        const e = tables.tcp.get(key); // gone at the RTO, and its port maybe another run's since
        if (e?.run !== run) continue;
        e.tcp?.close();
        tables.tcp.delete(key);
      }
    },
  };
}
