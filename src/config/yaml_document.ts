/**
 * @module `parseDocument` of the `yaml` package, in steps: the lexer and parser (~70 % of the
 * time of a 100,000-line config) run token by token with a `yield` every few hundred tokens.
 * Composing is one call per document, so a long block sequence of plain items (a big `static:`
 * target list) is taken out of the parsed tokens, the document composed without its items, and
 * the items composed in chunks of {@linkcode CHUNK_ITEMS} and put back: same nodes, same ranges.
 */
import {
  Composer,
  type CST,
  type Document,
  isSeq,
  Lexer,
  Parser,
  YAMLParseError,
  type YAMLSeq,
} from "yaml";
import type { DocumentOptions, ParseOptions, SchemaOptions } from "yaml";
import { runSync, STEP_ITEMS, type Steps } from "../base/slices.ts";

/** Options of the composer, as `parseDocument` takes them (`prettyErrors` is not supported). */
export type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

/**
 * Parses `source` as `parseDocument(source, { ...options, prettyErrors: false })` does, with the
 * same document, errors and warnings (a second document is the same MULTIPLE_DOCS error).
 */
export function* yamlDocumentSteps(source: string, options: YamlOptions): Steps<Document.Parsed> {
  const parser = new Parser();
  const tokens = [];
  let n = 0;
  for (const lexeme of new Lexer().lex(source, false)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (++n % STEP_ITEMS === 0) yield;
  }
  for (const token of parser.end()) tokens.push(token);
  yield;
  const aside: CST.BlockSequence[] = [];
  const held = new Map<CST.BlockSequence, CST.BlockSequence["items"]>();
  for (const t of tokens) {
    if (t.type === "document" && t.value) yield* longSeqSteps(t.value, aside);
  }
  for (const seq of aside) {
    // The last item stays: the sequence's range (and the offsets after it) come out the same.
    held.set(seq, seq.items.slice(0, -1));
    seq.items = seq.items.slice(-1);
  }
  let doc: Document.Parsed | undefined;
  for (const next of new Composer(options).compose(tokens, true, source.length)) {
    if (!doc) doc = next;
    else {
      const range: [number, number] = [next.range[0], next.range[1]];
      doc.errors.push(
        new YAMLParseError(
          range,
          "MULTIPLE_DOCS",
          "Source contains multiple documents; please use YAML.parseAllDocuments()",
        ),
      );
      break;
    }
  }
  const errors = doc!.errors.length;
  for (const [seq, items] of held) yield* composeItems(doc!, seq, items, options);
  if (doc!.errors.length > errors) doc!.errors.sort((a, b) => a.pos[0] - b.pos[0]);
  return doc!;
}

/** Sequences with more items than this are composed in chunks. */
export const LONG_SEQ = 1_000;
/** Items composed per call. */
export const CHUNK_ITEMS = 500;

const PLAIN = new Set(["scalar", "single-quoted-scalar", "double-quoted-scalar"]);

/** A `- value` item with no anchor, tag or comment: composing it alone gives the same node. */
function plainItem(item: CST.BlockSequence["items"][number]): boolean {
  const v = item.value;
  if (
    !v || !PLAIN.has(v.type) ||
    !item.start.every((t) => t.type !== "anchor" && t.type !== "tag" && t.type !== "comment")
  ) {
    return false;
  }
  const end = (v as CST.FlowScalar).end ?? [];
  return end.every((t) => t.type !== "comment");
}

/** Collects the long sequences of plain items under `token` (the ones composed in chunks). */
export function findLongSeqs(token: CST.Token, out: CST.BlockSequence[]): void {
  runSync(longSeqSteps(token, out));
}

/**
 * {@linkcode findLongSeqs} as steps: a `yield` every {@linkcode STEP_ITEMS} items (the check of a
 * 100,000-item list took ~11 ms in one piece).
 */
export function* longSeqSteps(token: CST.Token, out: CST.BlockSequence[]): Steps<void> {
  let seen = 0;
  function* walk(token: CST.Token): Steps<void> {
    if (token.type !== "block-seq" && token.type !== "block-map") return;
    if (token.type === "block-seq" && token.items.length > LONG_SEQ) {
      let plain = true;
      for (const item of token.items) {
        if (++seen % STEP_ITEMS === 0) yield;
        if (!plainItem(item)) {
          plain = false;
          break;
        }
      }
      if (plain) return void out.push(token);
    }
    for (const it of token.items) {
      if (++seen % STEP_ITEMS === 0) yield;
      if (it.value?.type === "block-seq" || it.value?.type === "block-map") yield* walk(it.value);
    }
  }
  yield* walk(token);
}

/** The node of `seq` in `doc` (composed empty), found by its offset. */
function seqNode(doc: Document.Parsed, offset: number): YAMLSeq | undefined {
  let found: YAMLSeq | undefined;
  const visit = (node: unknown): void => {
    if (found || node === null || typeof node !== "object") return;
    const n = node as { items?: unknown[]; range?: number[]; key?: unknown; value?: unknown };
    if (Array.isArray(n.items)) {
      if (n.range?.[0] === offset && isSeq(node)) found = node;
      else n.items.forEach(visit);
    } else if ("key" in n || "value" in n) {
      visit(n.key);
      visit(n.value);
    }
  };
  visit(doc.contents);
  return found;
}

function* composeItems(
  doc: Document.Parsed,
  seq: CST.BlockSequence,
  held: CST.BlockSequence["items"],
  options: YamlOptions,
): Steps<void> {
  const node = seqNode(doc, seq.offset);
  if (!node) throw new Error("Cannot compose a long YAML sequence: its node is missing");
  const composed: unknown[] = [];
  for (let i = 0; i < held.length; i += CHUNK_ITEMS) {
    const items = held.slice(i, i + CHUNK_ITEMS);
    const offset = i === 0 ? seq.offset : items[0]!.start[0]?.offset ?? seq.offset;
    const part: CST.Document = {
      type: "document",
      offset,
      start: [],
      value: { ...seq, offset, items },
    };
    for (const d of new Composer(options).compose([part], true)) {
      for (const item of (d.contents as YAMLSeq).items) composed.push(item);
      doc.errors.push(...d.errors);
      doc.warnings.push(...d.warnings);
    }
    yield;
  }
  for (const item of node.items) composed.push(item);
  node.items = composed;
}
