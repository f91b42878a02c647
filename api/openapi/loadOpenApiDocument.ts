import { readFileSync } from "node:fs";
import { invariant } from "#protocol";

/** The hand-written OpenAPI 3.1 document of the API, as it is in the repository. */
export const OPENAPI_DOCUMENT_URL = new URL("./openapi.json", import.meta.url);

/** An OpenAPI document, as parsed JSON (only what the API and its tests read is typed). */
export type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
};

let loaded: OpenApiDocument | undefined;

/**
 * The API's OpenAPI document, self-contained: a `$ref` to another file (the proof bundle's JSON Schema in
 * docs/schemas/) is replaced by that file's schema, so clients and validators need nothing but this one
 * document. The inlined schema keeps its `$id`, an embedded schema resource in JSON Schema 2020-12. Read
 * once, on first use (nothing happens at import time).
 * @example res.json(loadOpenApiDocument())
 */
export function loadOpenApiDocument(): OpenApiDocument {
  loaded ??= inlineFileRefs(
    JSON.parse(readFileSync(OPENAPI_DOCUMENT_URL, "utf8")),
    OPENAPI_DOCUMENT_URL,
  ) as OpenApiDocument;
  return loaded;
}

function inlineFileRefs(node: unknown, base: URL): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineFileRefs(item, base));
  if (typeof node !== "object" || node === null) return node;
  const { $ref, ...rest } = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) out[key] = inlineFileRefs(value, base);
  if (typeof $ref !== "string") return out;
  if ($ref.startsWith("#")) return { $ref, ...out };
  invariant(!$ref.includes("#"), `openapi.json: only whole-file references are inlined, not ${$ref}`);
  const url = new URL($ref, base);
  const { $schema: _dialect, ...schema } = inlineFileRefs(
    JSON.parse(readFileSync(url, "utf8")),
    url,
  ) as Record<string, unknown>;
  // The document's jsonSchemaDialect already names 2020-12; the referencing node's own keywords win.
  return { ...schema, ...out };
}
