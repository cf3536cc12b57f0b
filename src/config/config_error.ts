/** @module The one error a config problem becomes: `file:line:col: key.path: message`. */

/** One located problem in a config file. */
export interface ConfigProblem {
  line: number;
  col: number;
  /** Dotted key path, e.g. `probes.tcp_ssh.timeout`; empty for file-level problems. */
  path: string;
  message: string;
}

/** Thrown by the config loader; `message` lists every problem, one per line. */
export class ConfigError extends Error {
  readonly file: string;
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    super(problems.map((p) => formatProblem(file, p)).join("\n"));
    this.name = "ConfigError";
    this.file = file;
    this.problems = problems;
  }
}

/** `file:line:col: key.path: message` (the key part is left out when there is none). */
export function formatProblem(file: string, p: ConfigProblem): string {
  return `${file}:${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ""}${p.message}`;
}
