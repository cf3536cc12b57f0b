/**
 * @module Checks a Prometheus text exposition as it streams in, line by line, without keeping it
 * whole: syntax of every line, a final newline, sample counts by metric name. Also `promtool
 * check metrics` on a whole text.
 */

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABELS = `\\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*",?)*\\}`;
const VALUE = "(?:[-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf)|NaN)";
const SAMPLE = new RegExp(`^(${NAME})(?:${LABELS})? ${VALUE}(?: -?[0-9]+)?$`);
const COMMENT = new RegExp(
  `^# (?:HELP ${NAME} .*|TYPE ${NAME} (?:counter|gauge|histogram|summary|untyped))$`,
);

/** What a checked exposition held. */
export interface ExpositionSummary {
  bytes: number;
  lines: number;
  /** Samples by metric name. */
  samples: Map<string, number>;
}

/**
 * Reads `body` to its end and checks every line; throws on the first bad line or a missing final
 * newline (a cut answer).
 */
export async function checkExpositionStream(
  body: ReadableStream<Uint8Array>,
): Promise<ExpositionSummary> {
  const summary: ExpositionSummary = { bytes: 0, lines: 0, samples: new Map() };
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let rest = "";
  const line = (text: string) => {
    summary.lines++;
    if (text === "") return; // empty lines are ignored by the format
    if (text.startsWith("#")) {
      if (!COMMENT.test(text)) throw new SyntaxError(`bad comment line ${summary.lines}: ${text}`);
      return;
    }
    const m = SAMPLE.exec(text);
    if (!m) throw new SyntaxError(`bad sample line ${summary.lines}: ${text.slice(0, 200)}`);
    summary.samples.set(m[1]!, (summary.samples.get(m[1]!) ?? 0) + 1);
  };
  for await (const chunk of body) {
    summary.bytes += chunk.length;
    const text = rest + decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    rest = lines.pop()!;
    for (const l of lines) line(l);
  }
  rest += decoder.decode();
  if (rest !== "") {
    throw new SyntaxError(`answer cut after ${summary.bytes} bytes: ${rest.slice(0, 80)}`);
  }
  return summary;
}

/** Runs `promtool check metrics` on `text`; resolves its report (empty when clean) and code. */
export async function promtoolCheck(text: string): Promise<{ code: number; report: string }> {
  const promtool = new Deno.Command("promtool", {
    args: ["check", "metrics"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = promtool.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await promtool.output();
  const report = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, report: report.trim() };
}
