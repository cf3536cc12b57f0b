import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { createBasicAuth } from "../../src/http/basic_auth.ts";

const basic = (s: string) => `Basic ${btoa(s)}`;

Deno.test("createBasicAuth() refuses checks past maxConcurrent at once, as throttled", async () => {
  const pending: (() => void)[] = [];
  let calls = 0;
  const auth = createBasicAuth(new Map([["u", "h"]]), {
    maxConcurrent: 2,
    compare: () => {
      calls++;
      return new Promise((resolve) => pending.push(() => resolve(false)));
    },
  });
  const a = auth.check(basic("u:bad1"));
  const b = auth.check(basic("u:bad2"));
  assert.deepEqual(await auth.check(basic("u:bad3")), { ok: false, reason: "throttled" });
  assert.equal(auth.inFlight, 2);
  assert.equal(calls, 2);
  pending.forEach((r) => r());
  assert.deepEqual(await a, { ok: false, reason: "bad_credentials" });
  assert.deepEqual(await b, { ok: false, reason: "bad_credentials" });
  assert.equal(auth.inFlight, 0);
});

Deno.test("createBasicAuth() caches good credentials only; unknown users cost a check too", async () => {
  const hash = bcrypt.hashSync("pw", 4);
  let calls = 0;
  const auth = createBasicAuth(new Map([["u", hash]]), {
    compare: (p, h) => (calls++, bcrypt.compare(p, h)),
  });
  assert.deepEqual(await auth.check(basic("u:pw")), { ok: true, user: "u" });
  assert.deepEqual(await auth.check(basic("u:pw")), { ok: true, user: "u" });
  assert.equal(calls, 1);
  assert.deepEqual(await auth.check(basic("u:nope")), { ok: false, reason: "bad_credentials" });
  assert.deepEqual(await auth.check(basic("u:nope")), { ok: false, reason: "bad_credentials" });
  assert.equal(calls, 3);
  assert.deepEqual(await auth.check(basic("x:pw")), { ok: false, reason: "bad_credentials" });
  assert.equal(calls, 4);
});

Deno.test("createBasicAuth() rejects malformed headers without a bcrypt check", async () => {
  let calls = 0;
  const auth = createBasicAuth(new Map([["u", "h"]]), {
    compare: () => Promise.resolve((calls++, true)),
  });
  for (const h of ["Bearer abc", "Basic !!!", basic("no-colon"), "Basic " + "A".repeat(5000)]) {
    assert.deepEqual(await auth.check(h), { ok: false, reason: "malformed" }, h.slice(0, 20));
  }
  assert.deepEqual(await auth.check(undefined), { ok: false, reason: "missing" });
  assert.deepEqual(await auth.check(basic("u:a:b")), { ok: true, user: "u" });
  assert.equal(calls, 1);
});
