import { pointerTo } from "./epcisProblem.ts";

type Frame = { keys: Set<string> | null; pointer: string; index: number; key: string | null };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The first key that appears twice in one JSON object of `text`, with the JSON Pointer of that object, or
 * null. JSON.parse keeps the last of two equal keys without a word, so `{"type":"ObjectEvent",
 * "type":"AggregationEvent"}` would be captured as whatever its last key says while a signer or another
 * parser may read the first: an ambiguity EPCIS (RFC 8259 §4: names SHOULD be unique) must not store.
 *
 * Runs on text that JSON.parse has already accepted, so it only tracks strings, brackets and the key
 * positions — one pass of charCodeAt, no allocation but each key's string (bounded by the body's size,
 * which the caller has checked). Keys are compared decoded, so `"a"` and `"\u0061"` are the same key.
 * @example findDuplicateKey('{"a":1,"a":2}') // { pointer: "", key: "a" }
 */
export function findDuplicateKey(text: string): { pointer: string; key: string } | null {
  const stack: Frame[] = [];
  let top: Frame | undefined;
  // After `{` or `,` inside an object the next string is a key.
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i + 1;
      let escaped = false;
      for (i = start; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) {
          escaped = true;
          i++;
        } else if (d === QUOTE) break;
      }
      if (expectKey && top?.keys) {
        const raw = text.slice(start, i);
        const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (top.keys.has(key)) return { pointer: top.pointer, key };
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      continue;
    }
    switch (c) {
      case 0x7b /* { */:
      case 0x5b /* [ */:
        {
          const pointer =
            top === undefined
              ? ""
              : top.keys
                ? pointerTo(top.pointer, top.key ?? "")
                : pointerTo(top.pointer, top.index);
          top = { keys: c === 0x7b ? new Set() : null, pointer, index: 0, key: null };
          stack.push(top);
          expectKey = c === 0x7b;
          break;
        }
      case 0x7d /* } */:
      case 0x5d /* ] */:
        stack.pop();
        top = stack[stack.length - 1];
        expectKey = false;
        break;
      case 0x2c /* , */:
        if (top) {
          if (top.keys) expectKey = true;
          else top.index++;
        }
        break;
    }
  }
  return null;
}
