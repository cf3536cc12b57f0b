/**
 * @module The web config file in the Prometheus exporter-toolkit format (`--web.config.file`):
 * TLS for the HTTP API and basic-auth users with bcrypt hashes, validated like the agent's config
 * (`file:line:col: key: message`, exit 1).
 */
import * as z from "zod/mini";
import { optional } from "zod/mini";
import { parseDocument } from "yaml";
import { readConfigText } from "../config/load.ts";
import { parseYamlAs } from "../config/parse.ts";
import { ConfigError, type ConfigProblem } from "../config/config_error.ts";
import { describe as shown } from "../config/issue_message.ts";
import { lineCol, locatePath } from "../config/yaml_positions.ts";
import { dirname, resolvePath } from "../base/paths.ts";

/** A bcrypt hash as `htpasswd -B` and Go's bcrypt write it: `$2y$10$` + 53 characters. */
export const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;
/** Largest certificate or key file read. */
export const MAX_PEM_BYTES = 1 << 20;

const username = z.string().check(
  z.refine((u) => u.length > 0 && !u.includes(":"), {
    error: (i) => `expected a user name without ":", got ${shown(i.input)}`,
  }),
);
const bcryptHash = z.string().check(
  z.regex(BCRYPT_HASH, {
    error: (i) =>
      `expected a bcrypt hash like "$2y$10$" followed by 53 characters, got ${shown(i.input)}`,
  }),
);
const unsupported = (why: string) =>
  z.unknown().check(z.refine(() => false, { message: `not supported: ${why}` }));

const webConfigSchema = z.strictObject({
  tls_server_config: optional(z.strictObject({
    cert_file: z.string().check(z.minLength(1)),
    key_file: z.string().check(z.minLength(1)),
    client_auth_type: optional(z.enum(["NoClientCert"], {
      error: (i) =>
        `expected "NoClientCert" (Deno's TLS server cannot request client certificates), got ${
          shown(i.input)
        }`,
    })),
    client_ca_file: optional(unsupported("Deno's TLS server cannot verify client certificates")),
  })),
  basic_auth_users: optional(z.record(username, bcryptHash)),
});

/** A validated web config. */
export interface WebConfig {
  file: string;
  /** PEM text of the certificate chain and key, when the API is served over TLS. */
  tls?: { cert: string; key: string; certFile: string; keyFile: string };
  /** User name → bcrypt hash; empty when the API takes no passwords. */
  users: ReadonlyMap<string, string>;
}

/** Reads and validates a web config; relative file names resolve against its folder. */
export async function loadWebConfig(path: string): Promise<WebConfig> {
  const text = await readConfigText(path);
  const data = parseYamlAs(text, path, webConfigSchema, "expected a mapping, got an empty file");
  const users = new Map(Object.entries(data.basic_auth_users ?? {}));
  const tlsConfig = data.tls_server_config;
  if (!tlsConfig) return { file: path, users };
  const problems: ConfigProblem[] = [];
  const root = parseDocument(text).contents;
  const read = async (key: "cert_file" | "key_file", marker: RegExp, kind: string) => {
    const name = tlsConfig[key];
    const file = resolvePath(dirname(path), name);
    const problem = (message: string) => {
      const node = locatePath(root, ["tls_server_config", key]).value;
      problems.push({
        ...lineCol(text, node?.range?.[0] ?? 0),
        path: `tls_server_config.${key}`,
        message,
      });
      return "";
    };
    try {
      const info = await Deno.stat(file);
      if (!info.isFile) return problem(`Cannot read "${name}": expected a regular file`);
      if (info.size > MAX_PEM_BYTES) {
        return problem(`Cannot read "${name}": expected at most ${MAX_PEM_BYTES} bytes`);
      }
      const pem = await Deno.readTextFile(file);
      return marker.test(pem) ? pem : problem(`expected a PEM ${kind} in "${name}", got none`);
    } catch (e) {
      return problem(
        `Cannot read "${name}": ${
          e instanceof Deno.errors.NotFound
            ? "no such file"
            : e instanceof Deno.errors.PermissionDenied
            ? "permission denied"
            : (e as Error).message
        }`,
      );
    }
  };
  const cert = await read("cert_file", /-----BEGIN CERTIFICATE-----/, "certificate");
  const key = await read("key_file", /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/, "private key");
  if (problems.length > 0) throw new ConfigError(path, problems);
  return {
    file: path,
    tls: { cert, key, certFile: tlsConfig.cert_file, keyFile: tlsConfig.key_file },
    users,
  };
}
