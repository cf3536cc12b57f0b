/**
 * @module A response body made of text pieces, encoded one at a time as the client reads: a large
 * `/metrics` page is never held in memory whole (as a string, its UTF-8 bytes and a copy).
 */

const encoder = new TextEncoder();

/** A byte stream of `head` followed by every piece of `pieces`, pulled lazily. */
export function textStream(head: string, pieces: Iterable<string>): ReadableStream<Uint8Array> {
  let it: Iterator<string> | undefined;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!it) {
        it = pieces[Symbol.iterator]();
        if (head) return controller.enqueue(encoder.encode(head));
      }
      const next = it.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    cancel() {
      it?.return?.();
    },
  }, { highWaterMark: 1 });
}
