/** @module `vmprober version`. */
import { COMMIT, VERSION } from "../version.ts";
import { out } from "./args.ts";

/** Prints version, commit and runtime. */
export function versionCommand(): number {
  out(`vmprober ${VERSION} (commit ${COMMIT}, deno ${Deno.version.deno}, ${Deno.build.target})`);
  return 0;
}
