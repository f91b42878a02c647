import { Gs1ErrorCode, refuse } from "../errors.ts";
import { expandVocabularyTerm } from "./cbvVocabulary.ts";

/**
 * An event as the hash algorithm sees it: a tree of (name, value, children), the data model of the
 * algorithm's reference implementation, which reads JSON-LD and XML into the same shape. A `pair` is one entry
 * of bizTransactionList, sourceList or destinationList: its type and its value, written together.
 */
export type HashNode = {
  readonly name: string;
  readonly value: string;
  readonly children: HashNode[];
  readonly pair?: true;
};

/** Prefixes the EPCIS 2.0 context defines, so documents may use them without declaring them. */
export const EPCIS_CONTEXT_PREFIXES: Readonly<Record<string, string>> = {
  epcis: "https://ref.gs1.org/epcis/",
  cbv: "https://ref.gs1.org/cbv/",
  cbvmda: "urn:epcglobal:cbv:mda:",
  gs1: "https://gs1.org/voc/",
  rdfs: "http://www.w3.org/2000/01/rdf-schema#",
  owl: "http://www.w3.org/2002/07/owl#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
  dcterms: "http://purl.org/dc/terms/",
};

/**
 * Most levels of objects and arrays accepted below an event. Standard events nest about six levels
 * (sensorElementList → sensorElement → sensorReport → field); the limit leaves room for extensions while
 * keeping hostile input from exhausting the stack of the recursive writers.
 */
export const MAX_EVENT_DEPTH = 64;

export type TreeContext = {
  /** Prefix → namespace IRI declared by the document (checked before the EPCIS context's). */
  readonly namespaces: Readonly<Record<string, string>>;
  /** Raw top-level keys left out of the hash. */
  readonly ignoreFields: ReadonlySet<string>;
};

// Comments are for humans and never part of the hash; "#text" is the XML-in-JSON form of a value.
const SKIPPED_KEYS = new Set(["#text", "rdfs:comment", "comment"]);
const PAIR_VALUE: Readonly<Record<string, string>> = {
  bizTransactionList: "bizTransaction",
  sourceList: "source",
  destinationList: "destination",
};

function namespaceOf(prefix: string, context: TreeContext): string | undefined {
  if (Object.hasOwn(context.namespaces, prefix)) return context.namespaces[prefix];
  return Object.hasOwn(EPCIS_CONTEXT_PREFIXES, prefix) ? EPCIS_CONTEXT_PREFIXES[prefix] : undefined;
}

/** `example:myField` → `{https://ns.example.com/epcis/}myField` when `example` is a known prefix. */
function expandKey(key: string, context: TreeContext): string {
  const colon = key.indexOf(":");
  if (colon < 0) return key;
  const namespace = namespaceOf(key.slice(0, colon), context);
  return namespace === undefined ? key : `{${namespace}}${key.slice(colon + 1)}`;
}

/** A CURIE value (`gs1:Angle`) with a known prefix becomes the IRI it abbreviates. */
function expandValue(value: string, context: TreeContext): string {
  const colon = value.indexOf(":");
  if (colon < 0) return value;
  const namespace = namespaceOf(value.slice(0, colon), context);
  return namespace === undefined ? value : namespace + value.slice(colon + 1);
}

/** The text of a JSON scalar as the reference (Python) renders it: True, False, None for the literals. */
function scalarText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null) return "None";
  return String(value);
}

/**
 * The names EPCIS XML gives list members, which the hash uses: `epcList` holds `epc`s, `quantityList`
 * holds `quantityElement`s, and so on.
 */
function memberName(name: string, hasChildren: boolean): string {
  switch (name) {
    case "inputEPC":
    case "outputEPC":
      return "epc";
    case "inputQuantity":
    case "outputQuantity":
    case "childQuantity":
      return "quantityElement";
    case "quantity":
      return hasChildren ? "quantityElement" : name;
    default:
      return name;
  }
}

/**
 * Regroups a node's children the way EPCIS XML nests them: the members of every `…List` under one list
 * node, named as in XML; `childEPCs` under one node of `epc`s; list entries of the three type/value lists
 * as pairs, type first.
 */
function regroup(children: HashNode[]): HashNode[] {
  let lists: Map<string, HashNode[]> | undefined;
  let childEpcs: HashNode[] | undefined;
  const out: HashNode[] = [];
  for (const child of children) {
    if (child.name.endsWith("List")) {
      lists ??= new Map();
      let members = lists.get(child.name);
      if (members === undefined) {
        members = [];
        lists.set(child.name, members);
      }
      const pairValue = PAIR_VALUE[child.name];
      if (pairValue !== undefined) {
        // Only the type and the value take part, in that order (see docs/traceability.md).
        const items: HashNode[] = [];
        const type = child.children.find((c) => c.name === "type");
        const value = child.children.find((c) => c.name === pairValue);
        if (type) items.push(type);
        if (value) items.push(value);
        members.push({ name: "", value: "", children: items, pair: true });
      } else {
        const name = child.name.slice(0, -4);
        members.push({
          name: memberName(name, child.children.length > 0),
          value: child.value,
          children: child.children,
        });
      }
    } else if (child.name === "childEPCs") {
      childEpcs ??= [];
      childEpcs.push({ name: "epc", value: child.value, children: [] });
    } else {
      out.push(child);
    }
  }
  if (lists) for (const [name, members] of lists) out.push({ name, value: "", children: members });
  if (childEpcs) out.push({ name: "childEPCs", value: "", children: childEpcs });
  return out;
}

function convertValue(
  name: string,
  key: string,
  value: unknown,
  parent: string,
  context: TreeContext,
  depth: number,
): HashNode {
  if (typeof value === "object" && value !== null && depth >= MAX_EVENT_DEPTH) {
    refuse(
      Gs1ErrorCode.InvalidEpcisEvent,
      `an event nests deeper than ${MAX_EVENT_DEPTH} levels`,
      "Sealtrail limit on EPCIS event nesting",
      key,
    );
  }
  if (Array.isArray(value)) {
    const members = value.map((v) => convertValue("", "", v, key, context, depth + 1));
    return { name: memberName(name, members.length > 0), value: "", children: regroup(members) };
  }
  if (typeof value === "object" && value !== null) {
    const children = convertObject(value as Record<string, unknown>, key, context, false, depth + 1);
    const text = (value as Record<string, unknown>)["#text"];
    return {
      name: memberName(name, children.length > 0),
      value: text === undefined ? "" : scalarText(text),
      children,
    };
  }
  let text = scalarText(value);
  if (typeof value === "string") {
    text = expandValue(expandVocabularyTerm(parent, key, text), context);
  }
  return { name: memberName(name, false), value: text, children: [] };
}

function convertObject(
  object: Record<string, unknown>,
  field: string,
  context: TreeContext,
  isEvent: boolean,
  depth: number,
): HashNode[] {
  const children: HashNode[] = [];
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    // JSON-LD keywords (@context, @id, ...) describe the data, they are not data.
    if (SKIPPED_KEYS.has(key) || key.startsWith("@") || (isEvent && context.ignoreFields.has(key))) continue;
    const value = object[key];
    const name = expandKey(key, context);
    if (Array.isArray(value)) {
      for (const member of value) children.push(convertValue(name, key, member, field, context, depth));
    } else {
      children.push(convertValue(name, key, value, field, context, depth));
    }
  }
  return regroup(children);
}

/**
 * The hash tree of one EPCIS event (a JSON object): its fields with prefixes expanded
 * (`{namespace}localName`), bare vocabulary terms and CURIE values expanded to IRIs, lists regrouped.
 * @example eventHashTree({ type: "ObjectEvent", bizStep: "shipping" }, context)
 *   // [{ name: "type", value: "ObjectEvent", ... }, { name: "bizStep", value: "https://ref.gs1.org/cbv/BizStep-shipping", ... }]
 */
export function eventHashTree(event: Record<string, unknown>, context: TreeContext): HashNode[] {
  return convertObject(event, "", context, true, 0);
}
