/**
 * @module `blackbox.yml` text → the equivalent `probes:` section (pure). Bad YAML, a file that is
 * not `modules: {name: {prober: …}}`, or a key blackbox_exporter itself refuses is a
 * {@linkcode ConfigError} naming `file:line:col`.
 */
import { isMap, parseDocument } from "yaml";
import { ConfigError, type ConfigProblem } from "./config_error.ts";
import { precheck } from "./yaml_guard.ts";
import { lineCol, locatePath } from "./yaml_positions.ts";
import { KNOWN_KEYS, translateModule } from "./blackbox_modules.ts";

const MODULE_NAME = /^[a-zA-Z0-9_.-]+$/;

/** Returns the `probes:` section (YAML with comments) for the modules of a blackbox.yml. */
export function importBlackbox(text: string, file: string): string {
  const problem = (offset: number, path: string[], message: string): never => {
    const p: ConfigProblem = { ...lineCol(text, offset), path: path.join("."), message };
    throw new ConfigError(file, [p]);
  };
  const early = precheck(text);
  if (early) problem(early.offset, [], early.message);
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const first = yamlError.message.split("\n")[0]!;
    problem(yamlError.pos[0], [], `invalid YAML: ${first[0]!.toLowerCase()}${first.slice(1)}`);
  }
  const at = (path: string[], key = false): number => {
    const found = locatePath(doc.contents, path);
    const node = key ? found.key ?? found.value : found.value ?? found.key;
    return node?.range?.[0] ?? locatePath(doc.contents, path.slice(0, found.depth)).key
      ?.range?.[0] ??
      0;
  };
  const data = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  const isObj = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObj(data)) return problem(0, [], "expected a blackbox_exporter config (modules: …)");
  for (const k of Object.keys(data)) {
    if (k !== "modules") {
      problem(at([k], true), [k], `unknown key "${k}" (blackbox.yml has modules)`);
    }
  }
  const modules = data.modules;
  if (!isObj(modules) || !isMap(locatePath(doc.contents, ["modules"]).value)) {
    return problem(at(["modules"]), ["modules"], "expected a mapping of module names to modules");
  }
  const out = [`# Translated from ${file} by vmprober import-blackbox`, "probes:"];
  for (const [name, module] of Object.entries(modules)) {
    const path = ["modules", name];
    if (!MODULE_NAME.test(name)) {
      problem(at(path, true), path, `expected a module name of letters, digits, "_", "." and "-"`);
    }
    if (!isObj(module)) problem(at(path), path, "expected a module mapping (prober: …)");
    const m = module as Record<string, unknown>;
    checkKeys(m, "module", path);
    for (const part of ["tcp", "icmp"] as const) {
      if (m[part] === undefined) continue;
      if (!isObj(m[part])) problem(at([...path, part]), [...path, part], "expected a mapping");
      const sub = m[part] as Record<string, unknown>;
      checkKeys(sub, part, [...path, part]);
      if (sub.tls_config !== undefined) {
        if (!isObj(sub.tls_config)) {
          problem(
            at([...path, part, "tls_config"]),
            [...path, part, "tls_config"],
            "expected a mapping",
          );
        }
        checkKeys(sub.tls_config as Record<string, unknown>, "tls_config", [
          ...path,
          part,
          "tls_config",
        ]);
      }
      if (sub.query_response !== undefined) {
        const qpath = [...path, part, "query_response"];
        if (!Array.isArray(sub.query_response)) {
          problem(at(qpath), qpath, "expected a list of steps");
        }
        (sub.query_response as unknown[]).forEach((step, i) => {
          if (!isObj(step)) {
            problem(at([...qpath, String(i)]), [...qpath, String(i)], "expected a step mapping");
          }
          checkKeys(step as Record<string, unknown>, "query_response", [...qpath, String(i)]);
        });
      }
    }
    const translated = translateModule(name, m);
    if ("error" in translated) problem(at(translated.path), translated.path, translated.error);
    else out.push(...translated.lines);
  }
  if (out.length === 2) out.push("  {} # no modules in the file");
  return out.join("\n") + "\n";

  function checkKeys(o: Record<string, unknown>, kind: string, path: string[]): void {
    const known = KNOWN_KEYS[kind]!;
    for (const k of Object.keys(o)) {
      if (!known.includes(k)) {
        problem(
          at([...path, k], true),
          [...path, k],
          `unknown key "${k}" (blackbox_exporter refuses it too; known: ${known.join(", ")})`,
        );
      }
    }
  }
}
