import assert from "node:assert/strict";
import { reset } from "@logtape/logtape";
import { openWal } from "../../src/wal/wal.ts";
import { seqBody } from "../_support/wal_fixture.ts";
import { captureLogs } from "../_support/log_capture.ts";

Deno.test("max_size logs a segment it cannot delete, as commit() does", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wal_max_size_" });
  const logs = await captureLogs(["vmprober", "wal"]);
  try {
    const options = { dir, segmentSize: 1024, maxSize: 3000, fsync: "always" as const };
    await using wal = await openWal({ ...options, fsyncIntervalMs: 1000 });
    wal.append(seqBody(0), 1);
    await wal.flush();
    // The first segment's path becomes a non-empty directory: removing it fails (ENOTEMPTY).
    const first = `${dir}/${"0".padStart(20, "0")}`;
    Deno.removeSync(first);
    Deno.mkdirSync(first);
    Deno.writeTextFileSync(`${first}/keep`, "x");
    for (let i = 1; i < 100; i++) {
      wal.append(seqBody(i), 1);
      await wal.flush();
    }
    const failed = logs.filter((r) => String(r.rawMessage).startsWith("Cannot delete"));
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.level, "warning");
    assert.equal(failed[0]!.rawMessage, "Cannot delete an over-size WAL segment: {error}");
    assert.match(String(failed[0]!.properties.error), /Directory not empty/);
  } finally {
    await reset();
    await Deno.remove(dir, { recursive: true });
  }
});
