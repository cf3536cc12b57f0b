/**
 * @module The Deno permissions the process holds, and dropping the ones it will not need
 * (`Deno.permissions.revoke`: a dropped permission cannot come back without a restart).
 */

/** The permission names the binary's flags may grant, in the order `/api/v1/status` lists them. */
export const PERMISSION_NAMES = ["read", "write", "net", "env", "sys", "run", "ffi"] as const;
/** A permission name. */
export type PermissionName = (typeof PERMISSION_NAMES)[number];

/** The permissions granted now (wholly or for some paths, hosts or names). */
export function heldPermissions(): PermissionName[] {
  return PERMISSION_NAMES.filter((name) => {
    // The binary grants sys for the host name only (the `${hostname}` of HTTP SD URLs).
    const descriptor = name === "sys" ? { name, kind: "hostname" } : { name };
    const status = Deno.permissions.querySync(descriptor as Deno.PermissionDescriptor);
    return status.state === "granted" || status.partial;
  });
}

/** Revokes each of `names` that is held; returns the ones it revoked. */
export async function dropPermissions(names: readonly PermissionName[]): Promise<PermissionName[]> {
  const held = new Set(heldPermissions());
  const dropped: PermissionName[] = [];
  for (const name of names) {
    if (!held.has(name)) continue;
    await Deno.permissions.revoke({ name } as Deno.PermissionDescriptor);
    dropped.push(name);
  }
  return dropped;
}
