/** Cost of sharding a target list: `owners()` per target, as a reload pays it. */
import { owners } from "../../src/schedule/rendezvous.ts";

const targets = Array.from(
  { length: 10_000 },
  (_, i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}:22`,
);

for (const [members, replication] of [[3, 1], [3, 2], [100, 2], [1000, 3]] as const) {
  Deno.bench(`owners() of 10,000 targets, ${members} members, R=${replication}`, () => {
    for (const t of targets) owners(t, members, replication);
  });
}
