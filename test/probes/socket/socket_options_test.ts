import assert from "node:assert/strict";
import { moduleSocketOptions } from "../../../src/probes/socket/socket_options.ts";
import { moduleResolveOptions } from "../../../src/net/dns/dns_server.ts";

Deno.test("moduleSocketOptions() of a module without any is one frozen empty object", () => {
  const none = moduleSocketOptions({ dont_fragment: false }, 4);
  assert.deepEqual(none, {});
  assert.equal(moduleSocketOptions({}, 6), none);
  assert.ok(Object.isFrozen(none));
  assert.deepEqual(moduleSocketOptions({ dscp: 46, source_ip: "::1" }, 4), { dscp: 46 });
  assert.deepEqual(moduleSocketOptions({ source_ip: "::1", dont_fragment: true }, 6), {
    sourceIp: "::1",
    dontFragment: true,
  });
});

Deno.test("moduleResolveOptions() gives one object per dns_server text, and one for none", () => {
  assert.equal(moduleResolveOptions({}), moduleResolveOptions({ dns_server: "" }));
  assert.deepEqual(moduleResolveOptions({}), {});
  const a = moduleResolveOptions({ dns_server: "127.0.0.53:5353" });
  assert.deepEqual(a, { server: { ip: "127.0.0.53", port: 5353, family: 4 } });
  assert.equal(moduleResolveOptions({ dns_server: "127.0.0.53:5353" }), a);
});
