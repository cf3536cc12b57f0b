/** @module The version and commit, stamped in by the bundler (fallbacks when run from source). */

declare const __VMPROBER_VERSION__: string | undefined;
declare const __VMPROBER_COMMIT__: string | undefined;

/** Release version, e.g. `0.1.0`. */
export const VERSION: string = typeof __VMPROBER_VERSION__ === "string"
  ? __VMPROBER_VERSION__
  : "0.1.0-dev";

/** Git commit the build came from, or `unknown` from source. */
export const COMMIT: string = typeof __VMPROBER_COMMIT__ === "string"
  ? __VMPROBER_COMMIT__
  : "unknown";
