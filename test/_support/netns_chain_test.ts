import assert from "node:assert/strict";
import { createNetnsChain } from "./netns_chain.ts";

async function run(argv: string[]): Promise<string> {
  const out = await new Deno.Command(argv[0]!, { args: argv.slice(1), stdout: "piped" }).output();
  return new TextDecoder().decode(out.stdout);
}

/** The hop addresses `mtr --report` lists, in order. */
async function mtrHops(ip: string, family: 4 | 6): Promise<string[]> {
  const text = await run(["mtr", `-${family}`, "-n", "-r", "-c", "2", "-i", "0.2", ip]);
  return [...text.matchAll(/^\s*\d+\.\|--\s+(\S+)/gm)].map((m) => m[1]!);
}

Deno.test("createNetnsChain() routes the host through r1 and r2 to the target, both families, and switches to ra", async () => {
  await using chain = await createNetnsChain({ netem: { link: 1, delayMs: 5 } });
  const [r1, r2] = chain.routers;
  const t = chain.targets[0]!;
  assert.deepEqual(await mtrHops(t.ip4, 4), [r1!.ip4, r2!.ip4, t.ip4]);
  assert.deepEqual(await mtrHops(t.ip6, 6), [r1!.ip6, r2!.ip6, t.ip6]);
  await chain.switchRoute("alternate");
  assert.deepEqual(await mtrHops(t.ip4, 4), [r1!.ip4, chain.alternate!.ip4, t.ip4]);
  assert.deepEqual(await mtrHops(t.ip6, 6), [r1!.ip6, chain.alternate!.ip6, t.ip6]);
  await chain.switchRoute("main");
  assert.deepEqual(await mtrHops(t.ip4, 4), [r1!.ip4, r2!.ip4, t.ip4]);
  // The shaped link delays what goes r1 -> r2: r2 answers ≥ 5 ms late, r1 does not.
  const minRtt = async (ip: string) => {
    const text = await run(["ping", "-n", "-q", "-c", "3", "-i", "0.05", ip]);
    return Number(/= ([\d.]+)\//.exec(text)?.[1]);
  };
  assert.ok(await minRtt(r2!.ip4) >= 5, `${chain.shaping}`);
  assert.ok(await minRtt(r1!.ip4) < 5);
});

Deno.test("createNetnsChain() removes every namespace and host link when disposed", async () => {
  let ns: string[];
  {
    await using chain = await createNetnsChain({ routers: 3, targets: 3 });
    ns = [...chain.routers, chain.target, chain.alternate!].map((n) => n.ns);
    const listed = await run(["ip", "netns", "list"]);
    for (const name of ns) assert.match(listed, new RegExp(`^${name}\\b`, "m"));
    assert.deepEqual(
      await mtrHops(chain.targets[2]!.ip4, 4),
      [...chain.routers.map((r) => r.ip4), chain.targets[2]!.ip4],
    );
  }
  const listed = await run(["ip", "netns", "list"]);
  for (const name of ns) assert.doesNotMatch(listed, new RegExp(`^${name}\\b`, "m"));
});
