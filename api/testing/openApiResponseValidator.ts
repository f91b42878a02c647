// Test support: checks an HTTP answer of the API against its OpenAPI document, so that an answer drifting from
// the document (a field, a status, a content type, a header) fails the test that received it.
import type { ValidateFunction } from "ajv";
import Ajv2020Module from "ajv/dist/2020.js";
import type { OpenApiDocument } from "../openapi/loadOpenApiDocument.ts";

// ajv ships CommonJS; under ESM the class is on `default`.
type AjvClass = typeof Ajv2020Module.default;
const Ajv2020: AjvClass =
  (Ajv2020Module as unknown as { default?: AjvClass }).default ?? (Ajv2020Module as unknown as AjvClass);

const DOCUMENT_ID = "sealtrail-openapi.json";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** One answer, as received. `body` is the raw text (absent for HEAD). */
export type ObservedResponse = {
  method: string;
  /** The request URL; only its path is used. */
  url: string;
  status: number;
  headers: Headers;
  body: string | undefined;
};

/** An answer that the document does not describe; `problems` says each way it differs. */
export class OpenApiDriftError extends Error {
  override name = "OpenApiDriftError";
  readonly problems: string[];
  constructor(where: string, problems: string[]) {
    super(`${where} does not match the OpenAPI document:\n  - ${problems.join("\n  - ")}`);
    this.problems = problems;
  }
}

type ResponseObject = {
  content?: Record<string, unknown>;
  headers?: Record<string, { $ref?: string; required?: boolean }>;
};

const escapePointer = (segment: string) => segment.replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * Checks answers against an OpenAPI 3.1 document, with ajv's JSON Schema 2020-12 validator. The rules:
 * - the path must match one of the document's paths (a `{param}` is one path segment), else the answer
 *   must be the document's `NotFound` response (any other path answers 404, as the document says);
 * - the method must be one of that path's operations (HEAD is checked as GET, without a body), else the
 *   answer must be `MethodNotAllowed` with an `Allow` header listing exactly the path's methods;
 * - the status must be one the operation lists (no `default`, no ranges: every status is named);
 * - the content type must be one of the response's media types, or the body empty when it has none;
 * - the body must validate against that media type's schema, and every required header be present and
 *   every documented header present match its schema.
 * Nothing here knows a route: a route added to the document is checked with no change to this file.
 */
export class OpenApiResponseValidator {
  private readonly document: OpenApiDocument;
  private readonly ajv: InstanceType<AjvClass>;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly paths: { template: string; regex: RegExp; params: number }[];

  constructor(document: OpenApiDocument) {
    this.document = document;
    // strict off: the document is not itself a schema (paths, info …); its schemas are checked by ajv when
    // compiled, and OpenAPI's own keywords (description on a $ref …) are legal 2020-12 annotations.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    this.ajv.addSchema(document as object, DOCUMENT_ID, undefined, false);
    this.paths = Object.keys(document.paths)
      .map((template) => ({
        template,
        regex: new RegExp(
          `^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}/]+\}/g, "[^/]+")}$`,
        ),
        params: (template.match(/\{/g) ?? []).length,
      }))
      // A literal segment wins over a parameter (`/readings` before `/readings/{messageId}` never clash,
      // but a future `/devices/export` must not be read as `/devices/{address}`).
      .sort((a, b) => a.params - b.params);
  }

  /** Throws an {@link OpenApiDriftError} when the answer is not one the document describes. */
  check(response: ObservedResponse): void {
    const method = response.method.toUpperCase();
    const path = new URL(response.url, "http://localhost").pathname;
    const where = `${method} ${path} → ${response.status}`;
    const problems: string[] = [];
    const match = this.paths.find((p) => p.regex.test(path));
    if (match === undefined) {
      this.checkResponse(
        response,
        "#/components/responses/NotFound",
        problems,
        "is in no path of the document",
      );
    } else {
      const pathItem = this.document.paths[match.template] as Record<string, unknown>;
      const opKey = method === "HEAD" && pathItem.head === undefined ? "get" : method.toLowerCase();
      if (pathItem[opKey] === undefined) {
        this.checkMethodNotAllowed(response, pathItem, problems);
      } else {
        const pointer = `#/paths/${escapePointer(match.template)}/${opKey}/responses/${response.status}`;
        const responses = (pathItem[opKey] as { responses: Record<string, unknown> }).responses;
        if (responses[String(response.status)] === undefined) {
          problems.push(
            `status ${response.status} is not documented for ${opKey.toUpperCase()} ${match.template}`,
          );
        } else {
          this.checkResponse(response, pointer, problems);
        }
      }
    }
    if (problems.length > 0) throw new OpenApiDriftError(where, problems);
  }

  /**
   * Checks an answer against one response object of the document, e.g. `#/components/responses/UriTooLong`
   * for answers given before routing, which no operation lists.
   */
  checkAgainst(responsePointer: string, response: ObservedResponse): void {
    const problems: string[] = [];
    this.checkResponse(response, responsePointer, problems);
    if (problems.length > 0)
      throw new OpenApiDriftError(`${response.status} as ${responsePointer}`, problems);
  }

  private checkMethodNotAllowed(
    response: ObservedResponse,
    pathItem: Record<string, unknown>,
    problems: string[],
  ): void {
    this.checkResponse(
      response,
      "#/components/responses/MethodNotAllowed",
      problems,
      "uses a method the path does not list",
    );
    if (response.status !== 405) return;
    const documented = METHODS.filter((m) => pathItem[m] !== undefined).map((m) => m.toUpperCase());
    if (documented.includes("GET") && !documented.includes("HEAD")) documented.push("HEAD");
    const allow = (response.headers.get("allow") ?? "")
      .split(",")
      .map((m) => m.trim())
      .filter(Boolean);
    if ([...allow].sort().join(",") !== [...documented].sort().join(",")) {
      problems.push(`Allow is "${allow.join(", ")}" but the document lists ${documented.join(", ")}`);
    }
  }

  /** Checks content type, body and headers against the response object at `pointer` (following $refs). */
  private checkResponse(
    response: ObservedResponse,
    pointer: string,
    problems: string[],
    expectedBecause?: string,
  ): void {
    const { object, at } = this.resolve(pointer);
    if (expectedBecause !== undefined) {
      const expectedStatus = at.endsWith("/NotFound") ? 404 : 405;
      if (response.status !== expectedStatus) {
        problems.push(
          `the request ${expectedBecause}, so only ${expectedStatus} is documented, got ${response.status}`,
        );
        return;
      }
    }
    const responseObject = object as ResponseObject;
    const contentType = response.headers.get("content-type");
    const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
    const content = responseObject.content;
    if (content === undefined) {
      if (response.body) problems.push(`a body came with a response that documents none (${contentType})`);
    } else if (mediaType === undefined || content[mediaType] === undefined) {
      problems.push(
        `content type ${contentType ?? "(none)"} is not one of ${Object.keys(content).join(", ")}`,
      );
    } else if (response.body !== undefined) {
      const schemaPointer = `${at}/content/${escapePointer(mediaType)}/schema`;
      let value: unknown = response.body;
      if (mediaType === "application/json" || mediaType.endsWith("+json")) {
        try {
          value = JSON.parse(response.body);
        } catch {
          problems.push(`the body is not JSON: ${response.body.slice(0, 80)}`);
          return;
        }
      }
      this.validate(schemaPointer, value, "body", problems);
    }
    for (const [name, ref] of Object.entries(responseObject.headers ?? {})) {
      const header = this.resolve(ref.$ref ?? `${at}/headers/${escapePointer(name)}`);
      const spec = header.object as { required?: boolean; schema?: unknown };
      const value = response.headers.get(name);
      if (value === null) {
        if (spec.required) problems.push(`required header ${name} is missing`);
      } else if (spec.schema !== undefined) {
        this.validate(`${header.at}/schema`, value, `header ${name}`, problems);
      }
    }
  }

  private validate(pointer: string, value: unknown, what: string, problems: string[]): void {
    let validate = this.compiled.get(pointer);
    if (validate === undefined) {
      const found = this.ajv.getSchema(`${DOCUMENT_ID}${pointer}`);
      if (found === undefined) throw new Error(`no schema at ${pointer} in the OpenAPI document`);
      validate = found;
      this.compiled.set(pointer, validate);
    }
    if (!validate(value)) {
      for (const e of validate.errors ?? []) {
        problems.push(
          `${what}${e.instancePath || ""} ${e.message ?? "is invalid"}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`,
        );
      }
    }
  }

  /** The object at a local JSON pointer, following `$ref`s; `at` is the pointer of the object reached. */
  private resolve(pointer: string): { object: unknown; at: string } {
    let at = pointer;
    for (let hops = 0; hops < 10; hops++) {
      let node: unknown = this.document;
      for (const raw of at.replace(/^#\//, "").split("/")) {
        const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
        node = (node as Record<string, unknown> | undefined)?.[key];
      }
      if (node === undefined) throw new Error(`nothing at ${at} in the OpenAPI document`);
      const ref = (node as { $ref?: unknown }).$ref;
      if (typeof ref !== "string") return { object: node, at };
      at = ref;
    }
    throw new Error(`$ref loop at ${pointer}`);
  }
}
