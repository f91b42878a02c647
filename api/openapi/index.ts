export { loadOpenApiDocument, OPENAPI_DOCUMENT_URL, type OpenApiDocument } from "./loadOpenApiDocument.ts";
