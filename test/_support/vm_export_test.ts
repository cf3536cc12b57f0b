import assert from "node:assert/strict";
import { parseExportLine } from "./vm_server.ts";

Deno.test("parseExportLine: a stale marker's bare NaN is read back as NaN, other values kept", () => {
  const s = parseExportLine(
    '{"metric":{"__name__":"up","x":"\\"values\\":[NaN]"},"values":[1,NaN,0.5,NaN],"timestamps":[1,2,3,4]}',
  );
  assert.equal(s.metric.x, '"values":[NaN]');
  assert.deepEqual(s.values.map(String), ["1", "NaN", "0.5", "NaN"]);
  assert.deepEqual(s.timestamps, [1, 2, 3, 4]);
  assert.deepEqual(parseExportLine('{"metric":{},"values":[2],"timestamps":[5]}').values, [2]);
});
