/**
 * @module The largest `Map` or `Set` a piece of code builds: `Map.prototype.set` and
 * `Set.prototype.add` are wrapped while `fn` runs, recording the biggest size any one table
 * reached. A structural stand-in for "no single table grows by rehashing most of the input at
 * once", which a timing assertion could not hold on a shared machine.
 */

/** Runs `fn` (awaited) and returns the largest size any one Map or Set reached meanwhile. */
export async function largestTable(fn: () => unknown): Promise<number> {
  const mapSet = Map.prototype.set;
  const setAdd = Set.prototype.add;
  let largest = 0;
  Map.prototype.set = function (this: Map<unknown, unknown>, k: unknown, v: unknown) {
    const r = mapSet.call(this, k, v);
    if (this.size > largest) largest = this.size;
    return r;
  };
  Set.prototype.add = function (this: Set<unknown>, v: unknown) {
    const r = setAdd.call(this, v);
    if (this.size > largest) largest = this.size;
    return r;
  };
  try {
    await fn();
  } finally {
    Map.prototype.set = mapSet;
    Set.prototype.add = setAdd;
  }
  return largest;
}
