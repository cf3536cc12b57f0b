import assert from "node:assert/strict";
import { connectOnly } from "../../src/config/connect_only.ts";
import { compilePeerRegex } from "../../src/base/peer_regex.ts";

Deno.test("connectOnly() is true only without tls, send, a non-empty expect and socket options", () => {
  assert.equal(connectOnly({ port: 22 }), true);
  assert.equal(connectOnly({ port: 22, expect: compilePeerRegex("") }), true);
  assert.equal(connectOnly({ port: 22, expect: compilePeerRegex("^SSH") }), false);
  assert.equal(connectOnly({ port: 22, send: "x" }), false);
  assert.equal(connectOnly({ port: 443, tls: true }), false);
  assert.equal(connectOnly({ port: 22, dscp: 0 }), false);
  assert.equal(connectOnly({ port: 22, source_ip: "127.0.0.1" }), false);
  assert.equal(connectOnly({ port: 22, source_interface: "lo" }), false);
});
