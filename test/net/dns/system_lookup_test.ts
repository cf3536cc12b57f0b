import assert from "node:assert/strict";
import { createSystemLookup } from "../../../src/net/dns/system_lookup.ts";
import { createResolver } from "../../../src/net/resolver.ts";
import { a, soa, startDnsResponder } from "../../_support/dns_responder.ts";
import { busyFilePool, within } from "../../_support/busy_file_pool.ts";

const files = (resolv: string, hosts = "") => (path: string) =>
  Promise.resolve(path === "resolv.conf" ? resolv : path === "hosts" ? hosts : "");

function lookupOn(port: number, resolv = "options timeout:1 attempts:1", hosts = "") {
  return createSystemLookup({
    resolvConfPath: "resolv.conf",
    hostsPath: "hosts",
    readTextFile: files(resolv, hosts),
    servers: [{ ip: "127.0.0.1", port, family: 4 }],
  });
}

function manualClock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

Deno.test("createSystemLookup() answers from the hosts file without a query", async () => {
  await using dns = startDnsResponder({});
  const lookup = lookupOn(dns.port, "", "10.9.9.9 db.test db\n::1 db.test\n");
  assert.deepEqual(await lookup("db", "A"), [{ address: "10.9.9.9", ttl: 60 }]);
  assert.deepEqual(await lookup("DB.test", "AAAA"), [{ address: "::1", ttl: 60 }]);
  assert.deepEqual(dns.log, []);
});

Deno.test("createSystemLookup() tries search domains by ndots and follows CNAMEs", async () => {
  await using dns = startDnsResponder({
    "web.corp.test A": {
      answers: [
        { type: "CNAME", name: "web.corp.test", ttl: 30, data: "lb.corp.test" },
        a("lb.corp.test", "10.0.0.8", 300),
      ],
    },
  });
  const lookup = lookupOn(dns.port, "search corp.test\noptions ndots:1 timeout:1 attempts:1");
  assert.deepEqual(await lookup("web", "A"), [{ address: "10.0.0.8", ttl: 30 }]);
  assert.deepEqual(dns.log, ["udp web.corp.test A"], "one dot short of ndots: search first");
  await assert.rejects(lookup("x.y", "A"), {
    name: "DnsError",
    message: "Cannot resolve x.y: no such host (NXDOMAIN)",
  });
  assert.deepEqual(dns.log.slice(1), ["udp x.y A", "udp x.y.corp.test A"]);
});

Deno.test("createSystemLookup() reports SERVFAIL and silence in plain words", async () => {
  await using dns = startDnsResponder({
    "broken.test A": { rcode: "SERVFAIL" },
    "mute.test A": { silent: true },
  });
  const lookup = lookupOn(dns.port);
  await assert.rejects(lookup("broken.test", "A"), {
    message: `Cannot resolve broken.test: server failure (SERVFAIL) from 127.0.0.1:${dns.port}`,
  });
  await assert.rejects(lookup("mute.test", "A"), {
    message: `Cannot resolve mute.test: no answer in 1s from 127.0.0.1:${dns.port}`,
  });
});

Deno.test("createResolver() asks a TTL-2s name again after 2s and a TTL-300s name not at all", async () => {
  await using dns = startDnsResponder({
    "short.test A": { answers: [a("short.test", "10.0.0.1", 2)] },
    "long.test A": { answers: [a("long.test", "10.0.0.2", 300)] },
  });
  const clock = manualClock();
  const resolver = createResolver({ lookup: lookupOn(dns.port), now: clock.now, minTtlMs: 1000 });
  for (let step = 0; step <= 10; step++) {
    assert.equal((await resolver.resolve("short.test", "ip4")).ip, "10.0.0.1");
    assert.equal((await resolver.resolve("long.test", "ip4")).ip, "10.0.0.2");
    clock.advance(500); // 5 s in all
  }
  // Asked at 0, 2, 4 s (and at 5 s the 4 s answer still stands).
  assert.equal(dns.count("short.test A"), 3);
  assert.equal(dns.count("long.test A"), 1);
});

Deno.test("createResolver() serves 1,000 targets on one name with one query per TTL", async () => {
  await using dns = startDnsResponder({
    "many.test A": { answers: [a("many.test", "10.0.0.3", 10)] },
  });
  const clock = manualClock();
  const hits: string[] = [];
  const resolver = createResolver({
    lookup: lookupOn(dns.port),
    now: clock.now,
    hooks: { onCache: (r) => hits.push(r) },
  });
  for (let round = 0; round < 3; round++) {
    const all = await Promise.all(
      Array.from({ length: 1000 }, () => resolver.resolve("many.test", "ip4")),
    );
    assert.ok(all.every((r) => r.ip === "10.0.0.3"));
    clock.advance(10_000);
  }
  assert.equal(dns.count("many.test A"), 3);
  assert.equal(hits.filter((h) => h === "miss").length, 3);
  assert.equal(hits.filter((h) => h === "hit").length, 2997);
});

Deno.test("createResolver() remembers NXDOMAIN for the SOA minimum", async () => {
  await using dns = startDnsResponder({
    "gone.test A": { rcode: "NXDOMAIN", authorities: [soa("test", 20)] },
  });
  const clock = manualClock();
  const resolver = createResolver({ lookup: lookupOn(dns.port), now: clock.now });
  const nx = { name: "DnsError", message: "Cannot resolve gone.test: no such host (NXDOMAIN)" };
  await assert.rejects(resolver.resolve("gone.test", "ip4"), nx);
  clock.advance(19_999);
  await assert.rejects(resolver.resolve("gone.test", "ip4"), nx);
  assert.equal(dns.count("gone.test A"), 1);
  clock.advance(1);
  await assert.rejects(resolver.resolve("gone.test", "ip4"), nx);
  assert.equal(dns.count("gone.test A"), 2);
});

Deno.test("createResolver() auto asks A and AAAA in parallel on the wire", async () => {
  await using dns = startDnsResponder({
    "v6.test AAAA": { answers: [{ type: "AAAA", name: "v6.test", ttl: 60, data: "2001:db8::7" }] },
    "v6.test A": { answers: [], authorities: [soa("test", 60)] },
  });
  const resolver = createResolver({ lookup: lookupOn(dns.port) });
  assert.deepEqual(await resolver.resolve("v6.test", "auto"), { ip: "2001:db8::7", family: 6 });
  assert.deepEqual(dns.log.sort(), ["udp v6.test A", "udp v6.test AAAA"]);
});

Deno.test("createResolver() asks a module's dns_server and caches it apart", async () => {
  await using system = startDnsResponder({ "db.test A": { answers: [a("db.test", "10.0.0.1")] } });
  await using own = startDnsResponder({ "db.test A": { answers: [a("db.test", "10.0.0.2")] } });
  const resolver = createResolver({ lookup: lookupOn(system.port) });
  assert.equal((await resolver.resolve("db.test", "ip4")).ip, "10.0.0.1");
  const server = { ip: "127.0.0.1", port: own.port, family: 4 as const };
  assert.equal((await resolver.resolve("db.test", "ip4", undefined, { server })).ip, "10.0.0.2");
  assert.equal((await resolver.resolve("db.test", "ip4")).ip, "10.0.0.1");
  assert.equal(system.log.length + own.log.length, 2);
});

Deno.test("createSystemLookup() reads /etc/hosts and resolv.conf while every file thread is busy", async () => {
  await using dns = startDnsResponder({});
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/hosts`, "10.9.9.9 db.test db\n");
    await Deno.writeTextFile(`${dir}/resolv.conf`, "nameserver 127.0.0.1\noptions timeout:1\n");
    await using _pool = await busyFilePool(dir);
    const lookup = createSystemLookup({
      resolvConfPath: `${dir}/resolv.conf`,
      hostsPath: `${dir}/hosts`,
      servers: [{ ip: "127.0.0.1", port: dns.port, family: 4 }],
    });
    assert.deepEqual(await within("the lookup", lookup("db", "A")), [{
      address: "10.9.9.9",
      ttl: 60,
    }]);
    assert.deepEqual(dns.log, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
