/**
 * @module `Document.toJS` of the `yaml` package, in steps: one call converts the whole document
 * (a 100,000-item `static:` list: 10-16 ms in one piece), so long lists of plain scalars are
 * converted apart, {@linkcode TO_JS_CHUNK} items at a time, into the very arrays the one call
 * made for them (an alias of such a list is the same array, as ever).
 */
import { type Document, isMap, isPair, isScalar, isSeq, YAMLSeq } from "yaml";
import { STEP_ITEMS, type Steps } from "../base/slices.ts";

/** Lists with more items than this, all scalars without an anchor, are converted apart. */
export const LONG_LIST = 1_000;
/** Items converted per step. */
export const TO_JS_CHUNK = 500;

/** The long lists of scalars in `root`, in document order (their items are not searched). */
function* longLists(root: unknown): Steps<YAMLSeq[]> {
  const found: YAMLSeq[] = [];
  const stack: unknown[] = [root];
  let seen = 0;
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i];
        if (isPair(pair)) stack.push(pair.value, pair.key);
      }
    } else if (isSeq(node)) {
      let scalars = node.items.length > LONG_LIST;
      for (const item of node.items) {
        if (!isScalar(item) || item.anchor) scalars = false;
        if (++seen % STEP_ITEMS === 0) yield;
      }
      if (scalars) found.push(node);
      else for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
    }
  }
  return found;
}

/** The options of `toJS` that {@linkcode toJsSteps} takes (no reviver: it would run too early). */
export type ToJsOptions = {
  mapAsMap?: boolean;
  maxAliasCount?: number;
};

/**
 * `doc.toJS(options)` as steps, with the same result: the long lists of scalars are converted
 * after the rest (emptied meanwhile), {@linkcode TO_JS_CHUNK} items a step.
 */
export function* toJsSteps(doc: Document.Parsed, options: ToJsOptions = {}): Steps<unknown> {
  const lists = yield* longLists(doc.contents);
  if (lists.length === 0) return doc.toJS(options);
  const made: { array: unknown[]; items: unknown[] }[] = [];
  const held = lists.map((seq) => seq.items);
  let data: unknown;
  try {
    lists.forEach((seq, i) => {
      seq.items = [];
      // Own property over the prototype's: records the array made for this list.
      seq.toJSON = (arg, ctx) => {
        const array = YAMLSeq.prototype.toJSON.call(seq, arg, ctx);
        made.push({ array, items: held[i]! });
        return array;
      };
    });
    data = doc.toJS(options);
  } finally {
    lists.forEach((seq, i) => {
      seq.items = held[i]!;
      delete (seq as Partial<YAMLSeq>).toJSON;
    });
  }
  for (const { array, items } of made) {
    for (let i = 0; i < items.length; i += TO_JS_CHUNK) {
      yield;
      const part = new YAMLSeq(doc.schema);
      part.items = items.slice(i, i + TO_JS_CHUNK);
      for (const value of part.toJS(doc, options) as unknown[]) array.push(value);
    }
  }
  return data;
}
