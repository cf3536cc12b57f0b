import assert from "node:assert/strict";
import * as packet from "dns-packet";
import { Buffer } from "node:buffer";
import { createDnsClient } from "../../../src/net/dns/dns_client.ts";
import { createUdpPool } from "../../../src/net/dns/udp_pool.ts";
import type { DnsServer, IgnoreReason } from "../../../src/net/dns/types.ts";
import { a, startDnsResponder } from "../../_support/dns_responder.ts";

const server = (port: number): DnsServer => ({ ip: "127.0.0.1", port, family: 4 });
const addressOf = (p: packet.DecodedPacket) =>
  p.answers?.map((x) => (x as { data: string }).data).join();

Deno.test("40 concurrent DNS questions share the pool's 4 sockets, each gets its own answer", async () => {
  const N = 40;
  const zones = Object.fromEntries(
    Array.from({ length: N }, (_, i) => [
      `h${i}.test A`,
      { answers: [a(`h${i}.test`, `10.0.0.${i + 1}`)], delayMs: 150 },
    ]),
  );
  await using dns = startDnsResponder(zones);
  const opened: number[] = [];
  const pool = createUdpPool({
    maxSockets: 4,
    listen: (o) => {
      const c = Deno.listenDatagram(o);
      opened.push((c.addr as Deno.NetAddr).port);
      return c;
    },
  });
  const client = createDnsClient({ pool });
  let most = 0;
  const answers = await Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const r = client.exchange(server(dns.port), `h${i}.test`, "A", {
        transport: "udp",
        timeoutMs: 2000,
      });
      most = Math.max(most, pool.sockets());
      return addressOf((await r).packet);
    }),
  );
  assert.deepEqual(answers, Array.from({ length: N }, (_, i) => `10.0.0.${i + 1}`));
  assert.equal(most, 4, "at most the pool's sockets were open");
  assert.equal(opened.length, 4, "4 sockets opened for 40 questions");
  assert.equal(dns.sourcePorts.length, N);
  assert.deepEqual(new Set(dns.sourcePorts), new Set(opened), "questions came from those ports");
  assert.equal(pool.sockets(), 0, "closed once nothing is in flight");
});

Deno.test("a socket is retired after maxQuestionsPerSocket questions: later ones use new ports", async () => {
  await using dns = startDnsResponder({ "x.test A": { answers: [a("x.test", "10.0.0.1")] } });
  const pool = createUdpPool({ maxSockets: 1, maxQuestionsPerSocket: 2 });
  const client = createDnsClient({ pool });
  const ask = () =>
    client.exchange(server(dns.port), "x.test", "A", { transport: "udp", timeoutMs: 2000 });
  await Promise.all([ask(), ask(), ask(), ask()]);
  assert.equal(new Set(dns.sourcePorts).size, 2, `ports ${dns.sourcePorts}`);
  assert.equal(pool.sockets(), 0);
});

Deno.test("crossed and forged replies among concurrent questions on shared sockets are ignored and counted", async () => {
  // A server that, for 8 questions in flight together, first answers each question's id with the
  // next question's name and address (crossed), then with an id no question has (forged), then
  // with the real answer.
  const udp = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const port = (udp.addr as Deno.NetAddr).port;
  const N = 8;
  const serve = (async () => {
    const got: [packet.DecodedPacket, Deno.Addr][] = [];
    while (got.length < N) {
      const [data, from] = await udp.receive();
      got.push([packet.decode(Buffer.from(data)), from]);
    }
    const ids = new Set(got.map(([q]) => q.id));
    let spare = 1;
    while (ids.has(spare)) spare++;
    const answer = (id: number, q: packet.DecodedPacket) => {
      const name = q.questions![0]!.name;
      const b = packet.encode({
        type: "response",
        id,
        flags: packet.RECURSION_AVAILABLE,
        questions: q.questions,
        answers: [a(name, `10.1.0.${Number(name.slice(1, name.indexOf(".")))}`)],
      });
      return new Uint8Array(b.buffer, b.byteOffset, b.length);
    };
    for (let i = 0; i < N; i++) {
      const [q, from] = got[i]!;
      await udp.send(answer(q.id!, got[(i + 1) % N]![0]), from);
      await udp.send(answer(spare, q), from);
    }
    for (const [q, from] of got) await udp.send(answer(q.id!, q), from);
  })();
  const ignored: IgnoreReason[] = [];
  const client = createDnsClient({
    pool: createUdpPool({ maxSockets: 2 }),
    hooks: { onIgnored: (r) => ignored.push(r) },
  });
  try {
    const answers = await Promise.all(
      Array.from({ length: N }, async (_, i) =>
        addressOf(
          (await client.exchange(server(port), `q${i}.test`, "A", {
            transport: "udp",
            timeoutMs: 2000,
          })).packet,
        )),
    );
    assert.deepEqual(answers, Array.from({ length: N }, (_, i) => `10.1.0.${i}`));
    assert.deepEqual(
      ignored.sort(),
      [...Array(N).fill("wrong_id"), ...Array(N).fill("wrong_question")].sort(),
    );
  } finally {
    await serve;
    udp.close();
  }
});
