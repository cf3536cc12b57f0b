import assert from "node:assert/strict";
import { ownLabels, pushChanged, sharedLabels } from "../src/agent_push.ts";
import { parseConfig } from "../src/config/parse.ts";
import { pushDestinations } from "../src/config/push_schema.ts";

const PROBE = "probes:\n  x: {type: tcp}\n";
const config = (push: string) => parseConfig(`${PROBE}${push}`, "c.yaml");

Deno.test("sharedLabels() keeps what every destination has with the same value; ownLabels() the rest", () => {
  const c = config(
    "push:\n  - {url: http://a/w, extra_labels: {dc: fra, env: a, site: x}}\n" +
      "  - {url: http://b/w, extra_labels: {dc: fra, env: b}}\n",
  );
  const [a, b] = pushDestinations(c.push);
  const shared = sharedLabels([a!, b!]);
  assert.deepEqual(shared, { dc: "fra" });
  assert.deepEqual(ownLabels(a!, shared), { env: "a", site: "x" });
  assert.deepEqual(ownLabels(b!, shared), { env: "b" });
});

Deno.test("sharedLabels() of one destination is all of its labels: its WAL records as before", () => {
  const [d] = pushDestinations(config("push: {url: http://a/w, extra_labels: {dc: fra}}\n").push);
  assert.deepEqual(sharedLabels([d!]), { dc: "fra" });
  assert.deepEqual(ownLabels(d!, sharedLabels([d!])), {});
  assert.deepEqual(sharedLabels([]), {});
});

Deno.test("pushChanged() tells a changed push section from an unchanged one", () => {
  const one = config("push: {url: http://a/w}\n");
  assert.equal(pushChanged(one, config("push: {url: http://a/w}\n")), false);
  assert.equal(pushChanged(one, config("push: [{url: http://a/w}, {url: http://b/w}]\n")), true);
  assert.equal(pushChanged(one, config("")), true);
});
