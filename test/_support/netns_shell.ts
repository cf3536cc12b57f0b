/**
 * @module The shell steps every network-namespace lab shares (netns_lab.ts, netns_router.ts,
 * netns_chain.ts): running a command (fed `input` on stdin), running one inside a namespace,
 * and the sysctls that make a namespace answer at once (no ICMP rate limits, no reverse-path
 * filter, no duplicate address detection).
 */

/** Runs `argv` (with `input` on its stdin, if given); throws with its stderr when it fails. */
export async function sh(argv: string[], input?: string): Promise<string> {
  const child = new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(input));
    await w.close();
  }
  const out = await child.output();
  if (!out.success) {
    throw new Error(`Cannot run ${argv.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** A function running `argv` inside namespace `ns` (as {@linkcode sh} does). */
export const nsExec = (ns: string) => (argv: string[], input?: string): Promise<string> =>
  sh(["ip", "netns", "exec", ns, ...argv], input);

/** Sysctls of a lab namespace whose routers and targets must answer every probe at once. */
export const PROMPT_SYSCTLS: readonly string[] = [
  // A real router's limits would drop the errors of a fast test loop and make loss figures lie;
  // the host-wide budget (1,000/s, bursts of 50) too.
  "net.ipv4.icmp_ratelimit=0",
  "net.ipv4.icmp_msgs_per_sec=1000000",
  "net.ipv4.icmp_msgs_burst=1000000",
  "net.ipv6.icmp.ratelimit=0",
  "net.ipv4.conf.all.rp_filter=0",
  "net.ipv4.conf.default.rp_filter=0",
  // No duplicate address detection on the links made next: a tentative link-local address holds
  // every packet a namespace sends itself (time exceeded, echo replies) for ~2 s after start.
  "net.ipv6.conf.all.accept_dad=0",
  "net.ipv6.conf.default.accept_dad=0",
];

/** Sets {@linkcode PROMPT_SYSCTLS} and `extra` in namespace `ns`, in one `sysctl` call. */
export async function promptNamespace(ns: string, extra: readonly string[] = []): Promise<void> {
  await nsExec(ns)(["sysctl", "-q", "-w", ...PROMPT_SYSCTLS, ...extra]);
}
