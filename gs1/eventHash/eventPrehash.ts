import { Gs1ErrorCode, refuse } from "../errors.ts";
import { canonicalValue, stripWhitespace } from "./canonicalValue.ts";
import { eventHashTree, type HashNode, type TreeContext } from "./hashTree.ts";
import { normaliseTimestamp } from "./normaliseTimestamp.ts";
import { PROPERTY_ORDER, type PropertyOrder } from "./propertyOrder.ts";
import { sortByCodePoint } from "./sortByCodePoint.ts";

export type EventHashOptions = {
  /**
   * Prefix → namespace IRI for extension fields and CURIE values, from the document's `@context`
   * (`eventsOfEpcisDocument` collects them). The EPCIS context's own prefixes (cbv, gs1, ...) are built in.
   */
  readonly namespaces?: Readonly<Record<string, string>>;
  /** Top-level fields left out of the hash, as written in the event (e.g. a repository's own hash field). */
  readonly ignoreFields?: readonly string[];
};

// Never part of the hash: who recorded the event when, the hash itself, and later corrections.
const NOT_HASHED = new Set(["recordTime", "eventID", "type", "errorDeclaration"]);
const PAIR_VALUES = new Set(["bizTransaction", "source", "destination"]);

function isTimeField(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.includes("time") && !lower.includes("offset");
}

type OrderIndex = { readonly position: ReadonlyMap<string, number>; readonly isTime: readonly boolean[] };
const ORDER_INDEX = new WeakMap<PropertyOrder, OrderIndex>();

function indexOrder(order: PropertyOrder): OrderIndex {
  let index = ORDER_INDEX.get(order);
  if (index === undefined) {
    index = {
      position: new Map(order.map(([name], i) => [name, i])),
      isTime: order.map(([name]) => isTimeField(name)),
    };
    ORDER_INDEX.set(order, index);
  }
  return index;
}

/**
 * Writes the fields of `order` found in `children`, in that order, each field's occurrences sorted, and
 * returns the nodes left over, in their original order: those not named in `order`, and those whose own
 * children were not all written (a field under readPoint that is neither its id nor an extension, say).
 * Below the event level, extension fields (`{namespace}name`) are written right after their parent's
 * ordered fields.
 */
function writeOrdered(children: HashNode[], order: PropertyOrder): { text: string; rest: HashNode[] } {
  let rest = children;
  let extensions: HashNode[] = [];
  // The reference decides "below the event level" by looking for eventTime or action among the siblings.
  if (
    children.length > 1 &&
    !children.some((c) => c.name.includes("eventTime") || c.name.includes("action"))
  ) {
    extensions = children.filter((c) => c.name.includes("{") && c.name.includes("/}"));
    if (extensions.length > 0) rest = children.filter((c) => !extensions.includes(c));
  }
  const { position, isTime } = indexOrder(order);
  const byField: (HashNode[] | undefined)[] = [];
  let ordered = 0;
  for (const node of rest) {
    const at = position.get(node.name);
    if (at === undefined) continue;
    let nodes = byField[at];
    if (nodes === undefined) {
      nodes = [];
      byField[at] = nodes;
    }
    nodes.push(node);
    ordered++;
  }
  let text = "";
  if (ordered > 0) {
    // What becomes of each written node: used up (null) or left with the children not written.
    const outcome = new Map<HashNode, HashNode | null>();
    for (let at = 0; at < byField.length; at++) {
      const nodes = byField[at];
      if (nodes === undefined) continue;
      const [name, subOrder] = order[at]!;
      const values: string[] = [];
      for (const node of nodes) {
        const below = subOrder ? writeOrdered(node.children, subOrder) : { text: "", rest: node.children };
        let value = stripWhitespace(node.value);
        if (value !== "") value = `=${isTime[at] ? normaliseTimestamp(value) : canonicalValue(value)}`;
        if (value !== "" || below.text !== "") values.push(name + value + below.text);
        outcome.set(node, below.rest.length > 0 ? { name, value: node.value, children: below.rest } : null);
      }
      sortByCodePoint(values);
      text += values.join("");
    }
    const remaining: HashNode[] = [];
    for (const node of rest) {
      const after = outcome.get(node);
      if (after === undefined) remaining.push(node);
      else if (after !== null) remaining.push(after);
    }
    rest = remaining;
  }
  if (extensions.length > 0) text += writeGeneric(extensions);
  return { text, rest };
}

/** Writes nodes as name=value followed by their children, siblings sorted (except a type/value pair). */
function writeGeneric(nodes: readonly HashNode[]): string {
  if (nodes.length === 0) return "";
  const values = nodes.map((node) => {
    if (node.pair) return writeGeneric(node.children);
    const value = stripWhitespace(node.value);
    return node.name + (value === "" ? "" : `=${canonicalValue(value)}`) + writeGeneric(node.children);
  });
  if (values.length > 1 && !nodes.some((n) => !n.pair && PAIR_VALUES.has(n.name))) sortByCodePoint(values);
  return values.join("");
}

function contextOf(event: Record<string, unknown>, options: EventHashOptions): TreeContext {
  let namespaces = options.namespaces ?? {};
  // An event may carry its own @context (JSON-LD allows it); its prefixes apply inside the event.
  const own = event["@context"];
  if (own !== undefined) namespaces = { ...namespaces, ...contextPrefixes(own) };
  return { namespaces, ignoreFields: new Set(options.ignoreFields ?? []) };
}

/**
 * The prefix definitions (`"example": "https://ns.example.com/epcis/"`) of a JSON-LD `@context`: an object
 * or an array of URLs and objects. Term definitions that are objects are not prefixes and are skipped.
 */
export function contextPrefixes(context: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of Array.isArray(context) ? context : [context]) {
    if (typeof entry !== "object" || entry === null) continue;
    for (const [prefix, iri] of Object.entries(entry as Record<string, unknown>)) {
      if (typeof iri === "string" && !prefix.startsWith("@")) out[prefix] = iri;
    }
  }
  return out;
}

/**
 * The canonical pre-hash string of an EPCIS 2.0 event (JSON-LD object) per the CBV 2.0 event hash
 * algorithm: `eventType=…`, then the standard fields in their fixed order, then all other fields sorted,
 * every value normalised (UTC millisecond timestamps, canonical Digital Links for GS1 keys, web vocabulary
 * IRIs, canonical numbers). recordTime, eventID and errorDeclaration are left out.
 * @example eventPrehash({ type: "ObjectEvent", eventTime: "2020-03-04T11:00:30+01:00", action: "OBSERVE" })
 *   // "eventType=ObjectEventeventTime=2020-03-04T10:00:30.000Zaction=OBSERVE"
 */
export function eventPrehash(event: Record<string, unknown>, options: EventHashOptions = {}): string {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    refuse(Gs1ErrorCode.InvalidEpcisEvent, "an EPCIS event is a JSON object", "EPCIS 2.0 JSON", typeof event);
  }
  const type = event.type ?? "";
  if (typeof type !== "string") {
    refuse(Gs1ErrorCode.InvalidEpcisEvent, "an event's type is a string", "EPCIS 2.0 JSON: event type", type);
  }
  const { text, rest } = writeOrdered(eventHashTree(event, contextOf(event, options)), PROPERTY_ORDER);
  return `eventType=${type}${text}${writeGeneric(rest.filter((n) => !NOT_HASHED.has(n.name)))}`;
}
