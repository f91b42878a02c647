import type Database from "better-sqlite3";

/**
 * The batch of each arrival number among `ns`: the batches covering their range are read once (a batch is
 * the run first_n..last_n), then each number is found among them (binary search, after trying the batch of
 * the number before and the next one), instead of one subquery per row.
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
  // A device's readings in time order mostly arrived in that order too: a number usually falls in the batch
  // of the one before, or the next batch, so those two are tried before a binary search.
  let hint = 0;
  const holds = (i: number, n: number) => {
    const batch = batches[i];
    return batch !== undefined && n >= batch[1] && n <= batch[2];
  };
  return (n) => {
    if (holds(hint, n)) return batches[hint]![0];
    if (holds(hint + 1, n)) return batches[++hint]![0];
    let a = 0;
    let b = batches.length - 1;
    while (a <= b) {
      const mid = (a + b) >> 1;
      const [id, first, last] = batches[mid]!;
      if (n < first) b = mid - 1;
      else if (n > last) a = mid + 1;
      else {
        hint = mid;
        return id;
      }
    }
    return null;
  };
}
