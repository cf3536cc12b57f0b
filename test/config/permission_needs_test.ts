import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import {
  permissionNeeds,
  permissionWants,
  refuseDropped,
} from "../../src/config/permission_needs.ts";

const config = (probes: string, targets: string) =>
  parseConfig(`probes:\n${probes}\ntargets:\n${targets}\n`, "c.yaml");

Deno.test("permissionNeeds() names what needs run and ffi; unused modules need nothing", () => {
  const tcpOnly = config(
    "  t: {type: tcp, port: 22}\n  i: {type: icmp}",
    '  - static: {targets: ["a"]}\n    probes: [t]',
  );
  assert.deepEqual([...permissionNeeds(tcpOnly)], []);
  const withWal = parseConfig(
    'probes: {t: {type: tcp, port: 22}}\ntargets: [{static: {targets: ["a"]}, probes: [t]}]\nwal: {dir: w}\n',
    "c.yaml",
  );
  assert.deepEqual([...permissionNeeds(withWal)], [["write", "the WAL"]]);
  refuseDropped(withWal, ["write"]); // a WAL opens only after a restart: the reload may go on
  const both = config(
    "  t: {type: tcp, port: 22}\n  i: {type: icmp}",
    '  - name: list\n    command: {run: ["x"]}\n    probes: [t]\n  - static: {targets: ["a"]}\n    probes: [i]',
  );
  assert.deepEqual([...permissionNeeds(both)], [
    ["run", 'command target source "list"'],
    ["ffi", 'ICMP probe module "i" (helper: auto)'],
  ]);
  const socket = config(
    "  i: {type: icmp, helper: socket}",
    '  - static: {targets: ["a"]}\n    probes: [i]',
  );
  assert.deepEqual([...permissionNeeds(socket)], [[
    "ffi",
    'ICMP probe module "i" (helper: socket)',
  ]]);
  const ping = config(
    "  i: {type: icmp, helper: ping}",
    '  - static: {targets: ["a"]}\n    probes: [i]',
  );
  assert.deepEqual([...permissionNeeds(ping)], [["run", 'ICMP probe module "i" (helper: ping)']]);
});

Deno.test("refuseDropped() throws naming the part that needs a dropped permission", () => {
  const ping = config(
    "  i: {type: icmp, helper: ping}",
    '  - static: {targets: ["a"]}\n    probes: [i]',
  );
  refuseDropped(ping, ["ffi"]);
  assert.throws(() => refuseDropped(ping, ["run", "ffi"]), {
    message: 'Cannot apply the config: ICMP probe module "i" (helper: ping) needs the run ' +
      "permission, dropped at start because the running config did not need it (restart the " +
      "agent to apply it)",
  });
});

Deno.test("permissionNeeds() counts a path module in use as needing ffi (its raw socket), not run", () => {
  const path = config(
    "  p: {type: path}\n  q: {type: path}",
    '  - static: {targets: ["a"]}\n    probes: [p]',
  );
  assert.deepEqual([...permissionNeeds(path)], [["ffi", 'path probe module "p"']]);
  assert.throws(
    () => refuseDropped(path, ["ffi"]),
    /Cannot apply the config: path probe module "p" needs the ffi permission, dropped at start/,
  );
});

Deno.test("permissionWants() names the first connect-only TCP module; it never refuses a reload", () => {
  const c = config(
    '  s: {type: tcp, port: 22, send: "x"}\n  e: {type: tcp, port: 22, expect: "^SSH"}\n' +
      "  l: {type: tcp, port: 443, tls: true}\n  d: {type: tcp, port: 22, dscp: 46}\n" +
      "  c: {type: tcp, port: 22}\n  unused: {type: tcp, port: 22}",
    '  - static: {targets: ["a"]}\n    probes: [s, e, l, d, c]',
  );
  assert.deepEqual([...permissionWants(c)], [
    ["ffi", 'TCP probe module "c" (connects through the epoll poller)'],
  ]);
  assert.deepEqual([...permissionNeeds(c)], [["ffi", 'TCP probe module "d" (socket options)']]);
  const only = config(
    "  c: {type: tcp, port: 22}",
    '  - static: {targets: ["a"]}\n    probes: [c]',
  );
  assert.deepEqual([...permissionNeeds(only)], []);
  refuseDropped(only, ["ffi", "run"]);
  const none = config(
    '  s: {type: tcp, port: 22, send: "x"}',
    '  - static: {targets: ["a"]}\n    probes: [s]',
  );
  assert.deepEqual([...permissionWants(none)], []);
});
