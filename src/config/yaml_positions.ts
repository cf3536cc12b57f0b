/**
 * @module Positions in config text: a key path → the YAML node of that key or value, a text
 * offset → the key path around it, and an offset → `line:col`. Pure.
 */
import { isMap, isPair, isScalar, isSeq } from "yaml";
import type { Node } from "yaml";

/** Where a key path lives in the tree: its key node (for maps) and its value node. */
export interface Located {
  key?: Node;
  value?: Node;
  /** How many path parts were found (less than the path's length when a key is missing). */
  depth: number;
}

/** Follows `path` (map keys and list indices) from `root` as far as the tree goes. */
export function locatePath(root: unknown, path: readonly string[]): Located {
  let node = root as Node | null | undefined;
  let key: Node | undefined;
  let value: Node | undefined = node ?? undefined;
  let depth = 0;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) =>
        isPair(p) && isScalar(p.key) && String(p.key.value) === part
      );
      if (!pair) break;
      key = pair.key as Node;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const item = node.items[Number(part)] as Node | undefined;
      if (item === undefined) break;
      key = undefined;
      node = item;
    } else break;
    value = node ?? undefined;
    depth++;
  }
  return { key, value: depth === path.length ? value : undefined, depth };
}

/** The key path of the innermost key or value whose text contains `offset`. */
export function pathAt(root: unknown, offset: number): string[] {
  const path: string[] = [];
  let node = root as Node | null | undefined;
  const inside = (n: unknown) => {
    const r = (n as Node | null)?.range;
    return r !== undefined && r !== null && offset >= r[0] && offset < Math.max(r[1], r[0] + 1);
  };
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (inside(p.key) || inside(p.value)));
      if (!pair || !isScalar(pair.key)) break;
      path.push(String(pair.key.value));
      if (inside(pair.key)) break;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const index = node.items.findIndex(inside);
      if (index < 0) break;
      path.push(String(index));
      node = node.items[index] as Node;
    } else break;
  }
  return path;
}

/** 1-based line and column (in UTF-16 units) of `offset` in `text`. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}
