import assert from "node:assert/strict";
import { createResolver, type ResolverOptions } from "../../src/net/resolver.ts";

type Lookup = NonNullable<ResolverOptions["lookup"]>;

/** A scripted DNS: answers per "TYPE name", counts queries, may hold answers until released. */
function fakeDns(answers: Record<string, { address: string; ttl: number }[] | Error>) {
  const calls: string[] = [];
  let gate: Promise<void> | undefined;
  let open = () => {};
  const lookup: Lookup = async (name, type) => {
    calls.push(`${type} ${name}`);
    if (gate) await gate;
    const a = answers[`${type} ${name}`];
    if (a === undefined) throw new Deno.errors.NotFound(`no ${type} for ${name}`);
    if (a instanceof Error) throw a;
    return a;
  };
  return {
    lookup,
    calls,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      gate = undefined;
      open();
    },
  };
}

function manualClock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

Deno.test("createResolver() resolves a thousand concurrent lookups of one name with one query", async () => {
  const dns = fakeDns({ "A db.example": [{ address: "10.0.0.5", ttl: 60 }] });
  const resolver = createResolver({ lookup: dns.lookup });
  dns.hold();
  const all = Array.from({ length: 1000 }, () => resolver.resolve("db.example", "ip4"));
  dns.release();
  const results = await Promise.all(all);
  assert.deepEqual(dns.calls, ["A db.example"]);
  assert.ok(results.every((r) => r.ip === "10.0.0.5" && r.family === 4));
});

Deno.test("createResolver() keeps an answer for its TTL, then asks again", async () => {
  const clock = manualClock();
  const dns = fakeDns({ "A db.example": [{ address: "10.0.0.5", ttl: 60 }] });
  const resolver = createResolver({ lookup: dns.lookup, now: clock.now });
  await resolver.resolve("db.example", "ip4");
  clock.advance(59_999);
  await resolver.resolve("db.example", "ip4");
  assert.equal(dns.calls.length, 1);
  clock.advance(1);
  await resolver.resolve("db.example", "ip4");
  assert.equal(dns.calls.length, 2);
});

Deno.test("createResolver() bounds the TTL by minTtlMs and maxTtlMs", async () => {
  const clock = manualClock();
  const dns = fakeDns({
    "A short.example": [{ address: "10.0.0.1", ttl: 0 }],
    "A long.example": [{ address: "10.0.0.2", ttl: 86_400 }],
  });
  const resolver = createResolver({
    lookup: dns.lookup,
    now: clock.now,
    minTtlMs: 5_000,
    maxTtlMs: 300_000,
  });
  await resolver.resolve("short.example", "ip4");
  await resolver.resolve("long.example", "ip4");
  clock.advance(4_999);
  await resolver.resolve("short.example", "ip4");
  assert.equal(dns.calls.length, 2, "a TTL of 0 still caches for minTtlMs");
  clock.advance(1);
  await resolver.resolve("short.example", "ip4");
  assert.equal(dns.calls.length, 3);
  clock.advance(300_000 - 5_000 - 1);
  await resolver.resolve("long.example", "ip4");
  assert.equal(dns.calls.length, 3, "a TTL of a day is cut to maxTtlMs");
  clock.advance(1);
  await resolver.resolve("long.example", "ip4");
  assert.deepEqual(dns.calls.slice(3), ["A long.example"]);
});

Deno.test("createResolver() uses the smallest TTL of an answer set", async () => {
  const clock = manualClock();
  const dns = fakeDns({
    "A rr.example": [{ address: "10.0.0.1", ttl: 600 }, { address: "10.0.0.2", ttl: 20 }],
  });
  const resolver = createResolver({ lookup: dns.lookup, now: clock.now });
  assert.equal((await resolver.resolve("rr.example", "ip4")).ip, "10.0.0.1");
  clock.advance(20_000);
  await resolver.resolve("rr.example", "ip4");
  assert.equal(dns.calls.length, 2);
});

Deno.test("createResolver() caches a failure for negativeTtlMs", async () => {
  const clock = manualClock();
  const dns = fakeDns({});
  const resolver = createResolver({ lookup: dns.lookup, now: clock.now, negativeTtlMs: 5_000 });
  for (let i = 0; i < 3; i++) {
    await assert.rejects(resolver.resolve("gone.example", "ip4"), Deno.errors.NotFound);
  }
  assert.deepEqual(dns.calls, ["A gone.example"]);
  clock.advance(5_000);
  await assert.rejects(resolver.resolve("gone.example", "ip4"), Deno.errors.NotFound);
  assert.equal(dns.calls.length, 2);
});

Deno.test("createResolver() treats an empty answer as a failure, cached for negativeTtlMs only", async () => {
  const clock = manualClock();
  const dns = fakeDns({ "A empty.example": [] });
  const resolver = createResolver({ lookup: dns.lookup, now: clock.now, negativeTtlMs: 5_000 });
  await assert.rejects(resolver.resolve("empty.example", "ip4"), {
    name: "NotFound",
    message: "Cannot resolve empty.example: no A record",
  });
  clock.advance(5_000);
  await assert.rejects(resolver.resolve("empty.example", "ip4"), Deno.errors.NotFound);
  assert.equal(dns.calls.length, 2);
});

Deno.test("createResolver() auto asks A and AAAA at once and takes AAAA without A; ip6 asks AAAA only", async () => {
  const dns = fakeDns({ "AAAA v6.example": [{ address: "2001:db8::1", ttl: 60 }] });
  const resolver = createResolver({ lookup: dns.lookup });
  assert.deepEqual(await resolver.resolve("v6.example", "auto"), { ip: "2001:db8::1", family: 6 });
  assert.deepEqual(await resolver.resolve("v6.example", "ip6"), { ip: "2001:db8::1", family: 6 });
  assert.deepEqual(dns.calls, ["A v6.example", "AAAA v6.example"]);
});

Deno.test("createResolver() never queries for IP literals or localhost", async () => {
  const dns = fakeDns({});
  const resolver = createResolver({ lookup: dns.lookup });
  assert.deepEqual(await resolver.resolve("10.1.2.3", "auto"), { ip: "10.1.2.3", family: 4 });
  assert.deepEqual(await resolver.resolve("::1", "auto"), { ip: "::1", family: 6 });
  assert.deepEqual(await resolver.resolve("localhost", "auto"), { ip: "127.0.0.1", family: 4 });
  assert.deepEqual(await resolver.resolve("localhost", "ip6"), { ip: "::1", family: 6 });
  assert.deepEqual(dns.calls, []);
});

Deno.test("createResolver() lets one caller give up without failing the others", async () => {
  const dns = fakeDns({ "A db.example": [{ address: "10.0.0.5", ttl: 60 }] });
  const resolver = createResolver({ lookup: dns.lookup });
  dns.hold();
  const controller = new AbortController();
  const quitter = resolver.resolve("db.example", "auto", controller.signal);
  const waiter = resolver.resolve("db.example", "auto");
  controller.abort(new Error("caller gave up"));
  await assert.rejects(quitter, { message: "caller gave up" });
  dns.release();
  assert.deepEqual(await waiter, { ip: "10.0.0.5", family: 4 });
  // auto asks A and AAAA at once; the abort asks nothing more, and nothing twice.
  assert.deepEqual(dns.calls, ["A db.example", "AAAA db.example"]);
  assert.deepEqual(await resolver.resolve("db.example", "auto"), { ip: "10.0.0.5", family: 4 });
  assert.equal(dns.calls.length, 2);
});

Deno.test("createResolver() evicts the oldest entry past maxEntries", async () => {
  const dns = fakeDns({
    "A a.example": [{ address: "10.0.0.1", ttl: 60 }],
    "A b.example": [{ address: "10.0.0.2", ttl: 60 }],
    "A c.example": [{ address: "10.0.0.3", ttl: 60 }],
  });
  const resolver = createResolver({ lookup: dns.lookup, maxEntries: 2 });
  for (const name of ["a", "b", "c", "b", "c", "a"]) {
    await resolver.resolve(`${name}.example`, "ip4");
  }
  assert.deepEqual(dns.calls, ["A a.example", "A b.example", "A c.example", "A a.example"]);
});

Deno.test("createResolver().literal() gives an address as resolve() would, a name nothing", async () => {
  const { lookup, calls } = fakeDns({});
  const resolver = createResolver({ lookup });
  assert.deepEqual(resolver.literal?.("127.0.0.1"), { ip: "127.0.0.1", family: 4 });
  assert.deepEqual(resolver.literal?.("::1"), { ip: "::1", family: 6 });
  assert.deepEqual(resolver.literal?.("127.0.0.1"), await resolver.resolve("127.0.0.1", "ip6"));
  assert.equal(resolver.literal?.("db1.example"), undefined);
  assert.equal(resolver.literal?.("localhost"), undefined);
  assert.deepEqual(calls, []);
});
