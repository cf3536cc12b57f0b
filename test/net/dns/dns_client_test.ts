import assert from "node:assert/strict";
import { createDnsClient } from "../../../src/net/dns/dns_client.ts";
import type { DnsServer, IgnoreReason } from "../../../src/net/dns/types.ts";
import { DnsError } from "../../../src/net/dns/dns_error.ts";
import { a, soa, startDnsResponder } from "../../_support/dns_responder.ts";

const server = (port: number): DnsServer => ({ ip: "127.0.0.1", port, family: 4 });

function counting() {
  const ignored: IgnoreReason[] = [];
  const rcodes: string[] = [];
  const client = createDnsClient({
    hooks: { onIgnored: (r) => ignored.push(r), onQuery: (r) => rcodes.push(r) },
  });
  return { client, ignored, rcodes };
}

Deno.test("DnsClient.exchange() asks over UDP and decodes an A answer", async () => {
  await using dns = startDnsResponder({ "db.test A": { answers: [a("db.test", "10.0.0.5", 42)] } });
  const { client, rcodes } = counting();
  const r = await client.exchange(server(dns.port), "db.test", "A", {
    transport: "udp",
    timeoutMs: 1000,
  });
  assert.equal(r.transport, "udp");
  assert.deepEqual(r.packet.answers?.map((x) => [x.type, (x as { data: string }).data]), [[
    "A",
    "10.0.0.5",
  ]]);
  assert.deepEqual(dns.log, ["udp db.test A"]);
  assert.deepEqual(rcodes, ["NOERROR"]);
});

Deno.test("DnsClient.exchange() retries a truncated UDP answer over TCP", async () => {
  await using dns = startDnsResponder({
    "big.test TXT": {
      truncate: true,
      answers: [{ type: "TXT", name: "big.test", ttl: 60, data: "x".repeat(200) }],
    },
  });
  const { client } = counting();
  const r = await client.exchange(server(dns.port), "big.test", "TXT", {
    transport: "udp",
    timeoutMs: 1000,
  });
  assert.equal(r.transport, "tcp");
  assert.deepEqual(dns.log, ["udp big.test TXT", "tcp big.test TXT"]);
  assert.equal(r.packet.answers?.length, 1);
});

Deno.test("DnsClient.exchange() ignores and counts a reply with a wrong id", async () => {
  await using dns = startDnsResponder({
    "db.test A": { forge: "wrong_id", answers: [a("db.test", "10.0.0.5")] },
  });
  const { client, ignored } = counting();
  const r = await client.exchange(server(dns.port), "db.test", "A", {
    transport: "udp",
    timeoutMs: 2000,
  });
  assert.equal((r.packet.answers?.[0] as { data: string }).data, "10.0.0.5");
  assert.deepEqual(ignored, ["wrong_id"]);
});

Deno.test("DnsClient.exchange() ignores and counts a reply from a wrong port", async () => {
  await using dns = startDnsResponder({
    "db.test A": { forge: "wrong_source", answers: [a("db.test", "10.0.0.5")] },
  });
  const { client, ignored } = counting();
  const r = await client.exchange(server(dns.port), "db.test", "A", {
    transport: "udp",
    timeoutMs: 2000,
  });
  assert.equal(r.server.port, dns.port);
  assert.deepEqual(ignored, ["wrong_source"]);
});

Deno.test("DnsClient.exchange() fails a silent server with a plain timeout message", async () => {
  await using dns = startDnsResponder({ "db.test A": { silent: true } });
  const { client, rcodes } = counting();
  await assert.rejects(
    client.exchange(server(dns.port), "db.test", "A", { transport: "udp", timeoutMs: 200 }),
    { name: "DnsError", message: `no answer in 200ms from 127.0.0.1:${dns.port}` },
  );
  await assert.rejects(
    client.exchange(server(dns.port), "db.test", "A", { transport: "tcp", timeoutMs: 200 }),
    { name: "DnsError", message: `no answer in 200ms from 127.0.0.1:${dns.port}` },
  );
  assert.deepEqual(rcodes, ["timeout", "timeout"]);
});

Deno.test("DnsClient.query() moves on from a SERVFAIL server and names it when all fail", async () => {
  await using bad = startDnsResponder({ "db.test A": { rcode: "SERVFAIL" } });
  await using good = startDnsResponder({ "db.test A": { answers: [a("db.test", "10.0.0.5")] } });
  const { client } = counting();
  const r = await client.query([server(bad.port), server(good.port)], "db.test", "A", {
    timeoutMs: 1000,
    attempts: 1,
  });
  assert.equal(r.server.port, good.port);
  await assert.rejects(
    client.query([server(bad.port)], "db.test", "A", { timeoutMs: 1000, attempts: 2 }),
    (e) =>
      e instanceof DnsError &&
      e.message === `server failure (SERVFAIL) from 127.0.0.1:${bad.port}`,
  );
  assert.equal(bad.count("db.test A"), 3, "one per attempt and the first query");
});

Deno.test("DnsClient.query() takes NXDOMAIN as final, with the SOA in the authority", async () => {
  await using first = startDnsResponder({
    "gone.test A": { rcode: "NXDOMAIN", authorities: [soa("test", 30)] },
  });
  await using second = startDnsResponder({});
  const { client } = counting();
  const r = await client.query([server(first.port), server(second.port)], "gone.test", "A", {
    timeoutMs: 1000,
    attempts: 2,
  });
  assert.equal((r.packet as { rcode?: string }).rcode, "NXDOMAIN");
  assert.equal(second.log.length, 0);
});

Deno.test("DnsClient.query() names every silent server", async () => {
  await using one = startDnsResponder({ "db.test A": { silent: true } });
  await using two = startDnsResponder({ "db.test A": { silent: true } });
  const { client } = counting();
  await assert.rejects(
    client.query([server(one.port), server(two.port)], "db.test", "A", {
      timeoutMs: 100,
      attempts: 1,
    }),
    { message: `no answer in 100ms from 127.0.0.1:${one.port}, 127.0.0.1:${two.port}` },
  );
});

Deno.test("DnsClient.exchange() ignores and counts garbage and an answer to another question", async () => {
  await using dns = startDnsResponder({
    "junk.test A": { forge: "garbage", answers: [a("junk.test", "10.0.0.6")] },
    "swap.test A": { forge: "wrong_question", answers: [a("swap.test", "10.0.0.7")] },
  });
  const { client, ignored } = counting();
  const opts = { transport: "udp" as const, timeoutMs: 2000 };
  const junk = await client.exchange(server(dns.port), "junk.test", "A", opts);
  assert.equal((junk.packet.answers?.[0] as { data: string }).data, "10.0.0.6");
  const swap = await client.exchange(server(dns.port), "swap.test", "A", opts);
  assert.equal((swap.packet.answers?.[0] as { data: string }).data, "10.0.0.7");
  assert.deepEqual(ignored, ["malformed", "wrong_question"]);
});
