import assert from "node:assert/strict";
import { procKb, procMemory } from "./proc_memory.ts";

const STATUS = "Name:\tdeno\nVmRSS:\t   61440 kB\nRssAnon:\t   23552 kB\nRssFile:\t   37888 kB\n";
const ROLLUP = "55d0-7ffd ---p 00000000 00:00 0  [rollup]\nRss:   61440 kB\nPss:   58368 kB\n";

Deno.test("procMemory() splits RSS into anonymous and file-backed pages, with PSS", () => {
  const files: Record<string, string> = { status: STATUS, smaps_rollup: ROLLUP };
  assert.deepEqual(procMemory(1, (f) => files[f]!), {
    rssMb: 60,
    anonMb: 23,
    fileMb: 37,
    pssMb: 57,
  });
});

Deno.test("procKb() names the missing line and does not match a longer key", () => {
  assert.throws(() => procKb("Pss_Anon:  12 kB\n", "Pss"), {
    name: "SyntaxError",
    message: 'Cannot read Pss from /proc: no "Pss: N kB" line',
  });
  assert.throws(() => procKb("VmRSS: lots\n", "VmRSS"), SyntaxError);
});

Deno.test("procMemory() reads this process", () => {
  const m = procMemory(Deno.pid);
  assert.ok(m.rssMb > 0 && m.anonMb > 0 && m.anonMb + m.fileMb <= m.rssMb + 1);
  assert.ok(m.pssMb > 0 && m.pssMb <= m.rssMb);
});
