/**
 * @module Guards around the YAML parser for hostile config text: a scan before parsing (size, NUL
 * bytes, nesting depth) and a walk of the parsed tree before it becomes data (unknown or cyclic
 * aliases, alias bombs, non-scalar keys). Pure; problems carry a text offset.
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from "yaml";
import type { Node } from "yaml";
import { runSync, STEP_ITEMS, type Steps } from "../base/slices.ts";

/** Biggest config text accepted, in bytes (and in characters). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** Deepest nesting accepted (flow brackets or indentation levels). */
export const MAX_DEPTH = 64;
/**
 * Most lines plus flow-list commas accepted: a bound on YAML nodes before parsing, since the YAML
 * parser needs ~10 µs and ~1 KB per node (2 million items: 15 s, 2 GB). 150,000 still fits the
 * largest static target list the schema takes (100,000) and parses in about a second.
 */
export const MAX_ITEMS = 150_000;
/** Most nodes that aliases may add when expanded (an alias bomb adds billions). */
export const MAX_ALIAS_NODES = 100_000;

/** A problem found by a guard, at a character offset into the text. */
export interface GuardProblem {
  offset: number;
  message: string;
}

/**
 * Characters {@linkcode precheckSteps} scans between two `yield`s: ~0.3 ms of a warm scan (a
 * first, not yet optimised one of a 2.4 MB config took 37 ms in one piece).
 */
export const PRECHECK_CHARS = 65_536;

/**
 * Scans config text before it reaches the YAML parser: too large, NUL bytes, absurd nesting.
 *
 * @example
 * ```ts
 * import { precheck } from "./yaml_guard.ts";
 * if (precheck("a: [[1]]\n") !== undefined) throw new Error();
 * if (precheck("a: 1\0")?.offset !== 4) throw new Error();
 * ```
 */
export function precheck(text: string): GuardProblem | undefined {
  return runSync(precheckSteps(text));
}

/** {@linkcode precheck} as steps: a `yield` every {@linkcode PRECHECK_CHARS} characters. */
export function* precheckSteps(text: string): Steps<GuardProblem | undefined> {
  if (text.length > MAX_CONFIG_BYTES) {
    return {
      offset: 0,
      message: `expected at most ${MAX_CONFIG_BYTES} bytes, got ${text.length}`,
    };
  }
  const tooDeep = `expected at most ${MAX_DEPTH} levels of nesting, got more`;
  let items = 0;
  let depth = 0;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    if (i % PRECHECK_CHARS === PRECHECK_CHARS - 1) yield;
    const c = text.charCodeAt(i);
    if (c === 0) return { offset: i, message: "expected text, got a NUL byte (a binary file?)" };
    if (c === 10 || c === 44) items++;
    if (c === 10) {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      // Spaces and "- " both open a level in block style.
      if (c === 32 || c === 45) indent++;
      else {
        lineStart = false;
        if (indent > MAX_DEPTH * 4) return { offset: i, message: tooDeep };
      }
    }
    if (c === 91 || c === 123) {
      if (++depth > MAX_DEPTH) return { offset: i, message: tooDeep };
    } else if (c === 93 || c === 125) depth = Math.max(0, depth - 1);
  }
  if (items > MAX_ITEMS) {
    return {
      offset: 0,
      message: `expected at most ${MAX_ITEMS} lines and list items, got ${items} ` +
        "(put long target lists in a file source)",
    };
  }
  return undefined;
}

/**
 * Walks a parsed YAML tree in document order: every alias must name an earlier anchor that is not
 * one of its own ancestors, aliases may add at most {@linkcode MAX_ALIAS_NODES} nodes when
 * expanded, and map keys must be scalars. Returns the first problem.
 */
export function checkTree(root: unknown): GuardProblem | undefined {
  return runSync(checkTreeSteps(root));
}

/**
 * {@linkcode checkTree} as steps: a `yield` every {@linkcode STEP_ITEMS} nodes (a 100,000-item
 * list took 10-17 ms in one piece).
 */
export function* checkTreeSteps(root: unknown): Steps<GuardProblem | undefined> {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let expanded = 0;
  let aliasNodes = 0;
  let visited = 0;

  /** An alias, a scalar or nothing: no children, no generator of its own. */
  const leaf = (node: unknown): GuardProblem | undefined => {
    if (node === null || node === undefined) return undefined;
    const offset = (node as Node).range?.[0] ?? 0;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) {
        return {
          offset,
          message: `expected an anchor &${node.source} before the alias *${node.source}, got none`,
        };
      }
      if (open.has(target)) {
        return { offset, message: `alias *${node.source} refers to its own anchor (a cycle)` };
      }
      const size = sizes.get(target) ?? 1;
      expanded += size;
      aliasNodes += size;
      if (aliasNodes > MAX_ALIAS_NODES) {
        return {
          offset,
          message:
            `expected aliases to expand to at most ${MAX_ALIAS_NODES} nodes, got more (an alias bomb?)`,
        };
      }
      return undefined;
    }
    const n = node as Node;
    expanded++;
    if (n.anchor) {
      anchors.set(n.anchor, n);
      sizes.set(n, 1);
    }
    return undefined;
  };

  const isCollection = (node: unknown): node is Node => isMap(node) || isSeq(node);

  /** A mapping or a list and everything in it. */
  function* walk(n: Node): Steps<GuardProblem | undefined> {
    const offset = n.range?.[0] ?? 0;
    const before = expanded;
    expanded++;
    if (n.anchor) anchors.set(n.anchor, n);
    open.add(n);
    let problem: GuardProblem | undefined;
    if (isMap(n)) {
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const key = pair.key as Node | null;
        const keyTarget = isAlias(key) ? anchors.get(key.source) : key;
        if (keyTarget && !isScalar(keyTarget)) {
          return {
            offset: key?.range?.[0] ?? offset,
            message: `expected a plain key, got ${isSeq(keyTarget) ? "a list" : "a mapping"}`,
          };
        }
        if (++visited % STEP_ITEMS === 0) yield;
        problem = isCollection(pair.key) ? yield* walk(pair.key) : leaf(pair.key);
        if (problem) return problem;
        problem = isCollection(pair.value) ? yield* walk(pair.value) : leaf(pair.value);
        if (problem) return problem;
      }
    } else if (isSeq(n)) {
      for (const item of n.items) {
        if (++visited % STEP_ITEMS === 0) yield;
        problem = isCollection(item) ? yield* walk(item) : leaf(item);
        if (problem) return problem;
      }
    }
    open.delete(n);
    if (n.anchor) sizes.set(n, expanded - before);
    return undefined;
  }
  return isCollection(root) ? yield* walk(root) : leaf(root);
}
