import assert from "node:assert/strict";
import { textStream } from "../../src/http/text_stream.ts";

Deno.test("textStream() yields the head, then each piece, in order", async () => {
  const text = await new Response(textStream("# head\n", ["a\n", "", "ü\n"])).text();
  assert.equal(text, "# head\na\nü\n");
});

Deno.test("textStream() makes pieces only as they are read", async () => {
  let made = 0;
  function* pieces() {
    for (let i = 0; i < 1000; i++) {
      made++;
      yield `${i}\n`;
    }
  }
  const reader = textStream("", pieces()).getReader();
  await reader.read();
  await reader.read();
  assert.ok(made <= 3, `made ${made} pieces for 2 reads`);
  await reader.cancel();
});

Deno.test("textStream() of nothing is empty", async () => {
  assert.equal(await new Response(textStream("", [])).text(), "");
});
