import { type EpcisProblem, EpcisProblemCode, epcisProblem, pointerTo } from "./epcisProblem.ts";
import { findDuplicateKey } from "./findDuplicateKey.ts";

export type EpcisJsonLimits = {
  /** Largest body, bytes (UTF-8). */
  maxBytes: number;
  /** Deepest nesting of arrays and objects; GS1's examples need 8, sensor data with extensions ~12. */
  maxDepth: number;
};

export const DEFAULT_EPCIS_JSON_LIMITS: EpcisJsonLimits = { maxBytes: 8 * 1024 * 1024, maxDepth: 32 };

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Parses an EPCIS JSON body with its hostile cases bounded: size before parsing, then one iterative walk
 * (no recursion, so no stack to exhaust) that refuses nesting deeper than `maxDepth` and any
 * `__proto__`/`constructor`/`prototype` key — JSON.parse keeps such a key as a plain property, but code
 * that later copies or merges the object would not — and any key given twice in one object (findDuplicateKey). Returns the value, or the problem that refuses it.
 * @example const parsed = parseEpcisJson(text); if ("problem" in parsed) reply(400, parsed.problem)
 */
export function parseEpcisJson(
  text: string,
  limits: EpcisJsonLimits = DEFAULT_EPCIS_JSON_LIMITS,
): { value: unknown } | { problem: EpcisProblem } {
  // Every character is at least one UTF-8 byte and at most three per UTF-16 unit: count only when in doubt.
  const bytes =
    text.length > limits.maxBytes || text.length * 3 <= limits.maxBytes
      ? text.length
      : new TextEncoder().encode(text).length;
  if (bytes > limits.maxBytes) {
    return {
      problem: epcisProblem(
        EpcisProblemCode.TooLarge,
        "",
        `the document is ${bytes} bytes; this repository captures at most ${limits.maxBytes}`,
      ),
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8 parses iteratively, but a document nested thousands deep can still end as a RangeError.
    const detail = error instanceof Error ? error.message : String(error);
    return { problem: epcisProblem(EpcisProblemCode.NotJson, "", `not JSON: ${detail}`) };
  }
  const problem = findStructuralProblem(value, limits.maxDepth);
  if (problem) return { problem };
  // After the depth check, so the scan's own stack is bounded too.
  const duplicate = findDuplicateKey(text);
  if (duplicate) {
    return {
      problem: epcisProblem(
        EpcisProblemCode.DuplicateKey,
        pointerTo(duplicate.pointer, duplicate.key),
        `the key "${duplicate.key.slice(0, 80)}" appears twice in one object`,
      ),
    };
  }
  return { value };
}

function findStructuralProblem(root: unknown, maxDepth: number): EpcisProblem | null {
  const stack: { value: unknown; depth: number; pointer: string }[] = [
    { value: root, depth: 0, pointer: "" },
  ];
  while (stack.length > 0) {
    const { value, depth, pointer } = stack.pop()!;
    if (value === null || typeof value !== "object") continue;
    if (depth >= maxDepth) {
      return epcisProblem(
        EpcisProblemCode.TooDeep,
        pointer,
        `nested deeper than ${maxDepth} levels; no EPCIS document needs that`,
      );
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++)
        stack.push({ value: value[i], depth: depth + 1, pointer: pointerTo(pointer, i) });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        return epcisProblem(
          EpcisProblemCode.ForbiddenKey,
          pointerTo(pointer, key),
          `the key "${key}" is refused`,
        );
      }
      stack.push({
        value: (value as Record<string, unknown>)[key],
        depth: depth + 1,
        pointer: pointerTo(pointer, key),
      });
    }
  }
  return null;
}
