/**
 * @module VictoriaMetrics cluster tenants in `push.url` (pure): vminsert takes
 * `/insert/<accountID>[:<projectID>]/prometheus/api/v1/write`, or `/insert/multitenant/...` with
 * the tenant in each series' `vm_account_id` / `vm_project_id` labels. Both IDs are uint32.
 */

const UINT32 = /^(0|[1-9][0-9]{0,9})$/;
const isUint32 = (s: string) => UINT32.test(s) && Number(s) <= 0xffffffff;

/**
 * The problem with the tenant of a `push.url` (or with the tenant labels of a multitenant one),
 * or undefined; a URL whose path does not start with `/insert/` has none.
 *
 * @example
 * ```ts
 * import { tenantProblem } from "./tenant_url.ts";
 * if (tenantProblem("http://vminsert:8480/insert/42:7/prometheus/api/v1/write", {})) throw 0;
 * if (!tenantProblem("http://vminsert:8480/insert/acme/prometheus/api/v1/write", {})) throw 0;
 * ```
 */
export function tenantProblem(
  url: string,
  labels: Readonly<Record<string, string>>,
): { at: "url" | "vm_account_id" | "vm_project_id"; message: string } | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined; // not a URL: the url field reports its own problem
  }
  const m = /^\/insert\/([^/]*)(\/.*)?$/.exec(path);
  if (!m) return undefined;
  const tenant = decodeURIComponent(m[1]!);
  if (tenant === "multitenant") {
    for (const key of ["vm_account_id", "vm_project_id"] as const) {
      const v = labels[key];
      if (v !== undefined && !isUint32(v)) {
        return { at: key, message: `expected a tenant ID 0-4294967295, got "${v}"` };
      }
    }
  } else {
    const [account, project, ...rest] = tenant.split(":");
    const ok = isUint32(account!) && (project === undefined || isUint32(project)) &&
      rest.length === 0;
    if (!ok) {
      return {
        at: "url",
        message: `expected a VictoriaMetrics tenant after /insert/ like "42", "42:7" or ` +
          `"multitenant" (IDs 0-4294967295), got "${tenant}"`,
      };
    }
  }
  if (!/^\/prometheus(\/api\/v1\/write)?\/?$/.test(m[2] ?? "")) {
    return {
      at: "url",
      message: `expected /insert/${tenant}/prometheus/api/v1/write, got "${path}"`,
    };
  }
  return undefined;
}
