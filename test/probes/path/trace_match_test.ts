import assert from "node:assert/strict";
import {
  hasCookie,
  matchQuote,
  type PendingTables,
  sweepTcp,
} from "../../../src/probes/path/trace_match.ts";
import { newRun, type Pending } from "../../../src/probes/path/trace_run.ts";
import type { IcmpQuote } from "../../../src/probes/path/icmp_quote.ts";
import type { TcpProbeSocket } from "../../../src/probes/path/tcp_sender.ts";

const DEST = "192.0.2.1";
const cookie = new Uint8Array([9, 8, 7, 6]);

function setup(): { tables: PendingTables; entry: Pending } {
  const run = newRun(DEST, cookie, 4);
  const entry: Pending = { run, ttl: 2, sentNs: 0, sentMono: 0, answered: false };
  const tables: PendingTables = { icmp: new Map(), udp: new Map(), tcp: new Map() };
  tables.icmp.set(5 * 65536 + 1, entry);
  tables.udp.set(40000 * 65536 + 33435, entry);
  return { tables, entry };
}

const exceeded = (protocol: number, first: number, second: number, quoted: Uint8Array) =>
  ({
    kind: "time_exceeded",
    code: 0,
    protocol,
    destination: DEST,
    first,
    second,
    quoted,
  }) satisfies IcmpQuote;

Deno.test("hasCookie() compares only as far as the quote reaches", () => {
  assert.equal(hasCookie(new Uint8Array([9, 8]), cookie), true);
  assert.equal(hasCookie(new Uint8Array([9, 0]), cookie), false);
  assert.equal(hasCookie(new Uint8Array(), cookie), true);
});

Deno.test("matchQuote() finds echo replies and quotes by key, else foreign, mismatch or duplicate", () => {
  const { tables, entry } = setup();
  const reply = { kind: "echo_reply", identifier: 5, sequence: 1, payload: cookie } as const;
  assert.equal(matchQuote(reply, DEST, tables), entry);
  assert.equal(matchQuote({ ...reply, sequence: 2 }, DEST, tables), "foreign");
  assert.equal(matchQuote(reply, "192.0.2.2", tables), "mismatch");
  const quoted = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 9, 8, 7, 6]);
  assert.equal(matchQuote(exceeded(17, 40000, 33435, quoted), "198.19.1.2", tables), entry);
  assert.equal(matchQuote(exceeded(1, 5, 1, quoted), "198.19.1.2", tables), entry);
  assert.equal(matchQuote(exceeded(6, 40000, 33435, quoted), "198.19.1.2", tables), "foreign");
  assert.equal(matchQuote(exceeded(47, 5, 1, quoted), "198.19.1.2", tables), "foreign");
  quoted[9] = 0;
  assert.equal(matchQuote(exceeded(17, 40000, 33435, quoted), "198.19.1.2", tables), "mismatch");
  entry.answered = true;
  assert.equal(matchQuote(reply, DEST, tables), "duplicate");
});

Deno.test("sweepTcp() answers open and refused SYNs, drops failed ones and those past the RTO", () => {
  const run = newRun(DEST, cookie, 4);
  const closed: string[] = [];
  const sock = (name: string, state: ReturnType<TcpProbeSocket["state"]>): TcpProbeSocket => ({
    port: 1,
    state: () => state,
    close: () => void closed.push(name),
  });
  const tcp = new Map<number, Pending>();
  const add = (key: number, name: string, state: ReturnType<TcpProbeSocket["state"]>, at = 0) =>
    tcp.set(key, {
      run,
      ttl: key,
      sentNs: 0,
      sentMono: at,
      answered: false,
      tcp: sock(name, state),
    });
  add(1, "open", "open", 500);
  add(2, "refused", "refused", 500);
  add(3, "failed", "failed", 500);
  add(4, "pending", "pending", 500);
  add(5, "late", "open", 0);
  const answered: number[] = [];
  sweepTcp(tcp, 1000, (e) => answered.push(e.ttl));
  assert.deepEqual(answered, [1, 2]);
  assert.deepEqual(closed, ["open", "refused", "failed", "late"]);
  assert.deepEqual([...tcp.keys()], [1, 2, 3, 4]);
});
