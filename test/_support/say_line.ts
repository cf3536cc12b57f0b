/**
 * @module One line to stdout, written whole before it returns: what the crash fixtures print
 * before a test may SIGKILL them (`ack N` must be out when the test reads it).
 */

const encoder = new TextEncoder();

/** Writes `line` and a newline to stdout synchronously, looping over short writes. */
export function sayLine(line: string): void {
  const bytes = encoder.encode(line + "\n");
  let done = 0;
  while (done < bytes.length) done += Deno.stdout.writeSync(bytes.subarray(done));
}
