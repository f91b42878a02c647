import type Database from "better-sqlite3";

/**
 * The batch of each arrival number among `ns`: the batches covering their range are read once (a batch is
 * the run first_n..last_n), then each number is found by binary search, instead of one subquery per row.
 */
export function batchFinder(db: Database.Database, ns: readonly number[]): (n: number) => number | null {
  if (ns.length === 0) return () => null;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const n of ns) {
    if (n < lo) lo = n;
    if (n > hi) hi = n;
  }
  const batches = db
    .prepare("SELECT id, first_n, last_n FROM batches WHERE last_n >= ? AND first_n <= ? ORDER BY last_n")
    .raw()
    .all(lo, hi) as [id: number, first: number, last: number][];
  return (n) => {
    let a = 0;
    let b = batches.length - 1;
    while (a <= b) {
      const mid = (a + b) >> 1;
      const [id, first, last] = batches[mid]!;
      if (n < first) b = mid - 1;
      else if (n > last) a = mid + 1;
      else return id;
    }
    return null;
  };
}
