import assert from "node:assert/strict";
import { candidateNames, parseResolvConf } from "../../../src/net/dns/resolv_conf.ts";
import { parseHosts } from "../../../src/net/dns/hosts_file.ts";

Deno.test("parseResolvConf() reads servers, search, ndots, timeout and attempts", () => {
  const c = parseResolvConf([
    "# generated",
    "nameserver 127.0.0.53",
    "nameserver fe80::1%eth0",
    "nameserver not-an-ip",
    "nameserver 10.0.0.1",
    "nameserver 10.0.0.2",
    "search a.example b.example.",
    "options edns0 ndots:3 timeout:2 attempts:4 ; comment",
  ].join("\n"));
  assert.deepEqual(c.servers.map((s) => s.ip), ["127.0.0.53", "fe80::1", "10.0.0.1"]);
  assert.deepEqual(c.search, ["a.example", "b.example"]);
  assert.equal(c.ndots, 3);
  assert.equal(c.timeoutMs, 2000);
  assert.equal(c.attempts, 4);
});

Deno.test("parseResolvConf() keeps the C library's defaults for garbage", () => {
  const c = parseResolvConf("options ndots:x timeout:-1 attempts:0\n\0\xff nameserver");
  assert.deepEqual(c.servers.map((s) => s.ip), ["127.0.0.1"]);
  assert.deepEqual([c.ndots, c.timeoutMs, c.attempts], [1, 5000, 1]);
  assert.equal(parseResolvConf("options timeout:99999 ndots:99").timeoutMs, 30_000);
});

Deno.test("candidateNames() orders search domains by ndots; a trailing dot is absolute", () => {
  const conf = { search: ["corp.test"], ndots: 2 };
  assert.deepEqual(candidateNames("a.b", conf), ["a.b.corp.test", "a.b"]);
  assert.deepEqual(candidateNames("a.b.c", conf), ["a.b.c", "a.b.c.corp.test"]);
  assert.deepEqual(candidateNames("a.b.", conf), ["a.b"]);
});

Deno.test("parseHosts() skips comments and lines without an IP address", () => {
  const t = parseHosts("# x\n10.0.0.1 db DB2 # y\nbogus name\n\n127.0.0.1\n10.0.0.1 db\n");
  assert.deepEqual([...t.keys()], ["db", "db2"]);
  assert.deepEqual(t.get("db"), { 4: ["10.0.0.1"], 6: [] });
});
