import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/parse.ts";
import { permissionNeeds, refuseDropped } from "../../src/config/permission_needs.ts";

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
