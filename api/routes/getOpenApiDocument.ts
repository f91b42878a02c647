import type { RequestHandler } from "express";
import { loadOpenApiDocument } from "../openapi/loadOpenApiDocument.ts";

/**
 * `GET /openapi.json`: the API's OpenAPI 3.1 document (api/openapi/openapi.json, with the proof bundle's
 * JSON Schema inlined), for client generators and for checking answers against it.
 * @example router.get("/openapi.json", getOpenApiDocument())
 */
export function getOpenApiDocument(): RequestHandler {
  const document = loadOpenApiDocument();
  return (_req, res) => {
    res.json(document);
  };
}
