const SURROGATE = /[\uD800-\uDFFF]/;

function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

/**
 * Sorts strings in place by Unicode code point, as Python does (the reference implementation sorts with
 * Python's `list.sort`). JavaScript's default order compares UTF-16 code units, which differs only when
 * characters beyond U+FFFF meet characters from U+E000 to U+FFFF; the default sort is used when no string
 * has a surrogate.
 */
export function sortByCodePoint(values: string[]): void {
  if (values.length < 2) return;
  if (values.some((v) => SURROGATE.test(v))) values.sort(compareCodePoints);
  else values.sort();
}
