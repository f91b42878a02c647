// Sealtrail evidence packages (sealtrail-evidence-v1) — INDEPENDENT verifier.
//
// Written from docs/evidence.md (sections 2 and 3), the JSON Schema docs/schemas/sealtrail-evidence-v1.schema.json
// and the sections of docs/protocol.md and docs/traceability.md it cites, on top of this folder's own
// message and event verifiers (verify.mjs, verifyEvent.mjs). Nothing under evidence/, protocol/, gateway/,
// api/ or cli/ is imported or mirrored; the libraries are the ones verify.mjs uses (@noble/hashes,
// @openzeppelin/merkle-tree, ajv) and JSON-RPC is plain fetch. Caveat, as for verifyEvent.mjs: written by an
// engineer of the project, so it shows the document is complete enough to implement, not that a stranger
// reads it the same way. Where the document was not enough, it was fixed (see the report of that change).
//
// Export: verifyEvidence(pkg, { rpcUrls?: string[], fetch? }) -> Promise<report>
//   report = { status: "valid" | "invalid" | "unverified" | "not-anchored",
//              readings: { total, verified, pending }, events: { total, verified, pending, hidden },
//              batches: { total, proven, anchored }, anchors: [{ root, chainId, result, detail }],
//              complete: boolean | null, sensors: [{ device, from, to, complete, gaps }], failures: [{ subject, check, detail }] }
// Not recomputed: the cold-chain verdict of item packages (`claimed.verdict` is reported, not checked).

import { readFileSync } from "node:fs";
import { keccak_256 } from "@noble/hashes/sha3.js";
import merkleTreePkg from "@openzeppelin/merkle-tree";
import AjvModule from "ajv/dist/2020.js";
import { addressFromPublicKey, bytesToHex, decodeCbor, hexToBytes, verifyMessage } from "./verify.mjs";
import { verifyEventMessage } from "./verifyEvent.mjs";

const { StandardMerkleTree } = merkleTreePkg;
const Ajv2020 = AjvModule.default ?? AjvModule;
export const EVIDENCE_FORMAT = "sealtrail-evidence-v1";

let validator = null;
function schemaValidator() {
  if (!validator) {
    const schema = JSON.parse(
      readFileSync(new URL("../../docs/schemas/sealtrail-evidence-v1.schema.json", import.meta.url), "utf8"),
    );
    validator = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  }
  return validator;
}

// RFC 4648 base64, standard alphabet, padded, no whitespace (section 2: the only spelling admitted).
function fromBase64(text) {
  if (
    typeof text !== "string" ||
    !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)
  )
    return null;
  return new Uint8Array(Buffer.from(text, "base64"));
}

const lc = (h) => String(h).toLowerCase();

/** The kid (lowercase address) of a COSE_Sign1's protected header, null when there is none to read. */
function kidOf(raw) {
  try {
    const top = decodeCbor(raw);
    const sign1 = top.t === "tag" ? top.v : top;
    const header = decodeCbor(sign1.v[0].v, { allowTopLevelTag: false });
    const kid = header.v.find(([k]) => k.t === "uint" && k.v === 4n)?.[1];
    return kid?.t === "bytes" && kid.v.length === 20 ? bytesToHex(kid.v) : null;
  } catch {
    return null;
  }
}
const leafOf = (idHex) => keccak_256(keccak_256(hexToBytes(idHex)));
function cmp(a, b) {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
const hashPair = (a, b) => {
  const [x, y] = cmp(a, b) <= 0 ? [a, b] : [b, a];
  const both = new Uint8Array(64);
  both.set(x, 0);
  both.set(y, 32);
  return keccak_256(both);
};

/** Section 3 step 3, OpenZeppelin's processMultiProof as the document writes it; null when it does not fit. */
export function processMultiProof(leaves, proof, flags) {
  const zeros = [...flags].filter((f) => f === "0").length;
  if (leaves.length + proof.length !== flags.length + 1 || proof.length < zeros) return null;
  const queue = [...leaves];
  let p = 0;
  for (const f of flags) {
    const a = queue.shift();
    const b = f === "1" ? queue.shift() : proof[p++];
    if (a === undefined || b === undefined) return null;
    queue.push(hashPair(a, b));
  }
  if (p !== proof.length) return null;
  return flags.length > 0 ? queue.at(-1) : leaves[0];
}

/** traceability.md 3.4: seqs consecutive, each prev the previous id, no silence longer than maxSilenceMs. */
export function readingChainGaps(readings, from, to, maxSilenceMs) {
  const within = readings.filter((r) => r.ts >= from && r.ts <= to);
  const before = readings.filter((r) => r.ts < from).at(-1);
  const after = readings.find((r) => r.ts > to);
  const run = [before, ...within, after].filter(Boolean).sort((a, b) => a.seq - b.seq);
  const gaps = [];
  if (run.length === 0) return [{ from, to, reason: "no reading" }];
  if (run[0].ts > from + maxSilenceMs)
    gaps.push({ from, to: Math.min(run[0].ts, to), reason: "before-first" });
  for (let i = 1; i < run.length; i++) {
    const a = run[i - 1];
    const b = run[i];
    const stretch = { from: Math.max(a.ts, from), to: Math.min(b.ts, to) };
    if (stretch.to < stretch.from) continue; // both on the same side, outside the interval
    if (b.seq !== a.seq + 1) gaps.push({ ...stretch, reason: "missing-seq" });
    else if (lc(b.prev) !== lc(a.id)) gaps.push({ ...stretch, reason: "broken-link" });
    else if (b.ts - a.ts > maxSilenceMs) gaps.push({ ...stretch, reason: "silence" });
  }
  const last = run.at(-1);
  if (last.ts < to - maxSilenceMs) gaps.push({ from: Math.max(last.ts, from), to, reason: "after-last" });
  return gaps;
}

async function rpc(fetchFn, url, method, params) {
  const res = await fetchFn(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = JSON.parse(await res.text());
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

const ROOT_ANCHORED = bytesToHex(
  keccak_256(new TextEncoder().encode("RootAnchored(bytes32,address,uint64)")),
);
const ANCHORED_AT = bytesToHex(keccak_256(new TextEncoder().encode("anchoredAt(bytes32)"))).slice(0, 10);

/** protocol.md section 15 step 3 on one endpoint: null when confirmed, else what contradicts the anchor. */
async function contradiction(fetchFn, url, root, a) {
  const receipt = await rpc(fetchFn, url, "eth_getTransactionReceipt", [a.txHash]);
  if (!receipt) {
    // protocol.md 15 step 3: an endpoint that knows no such transaction and has another block 0 serves
    // another chain; it can neither confirm nor refute the anchor (the caller counts it as not read).
    if (a.genesisHash) {
      const genesis = await rpc(fetchFn, url, "eth_getBlockByNumber", ["0x0", false]);
      if (lc(genesis?.hash) !== lc(a.genesisHash)) throw new Error("another genesis: not the anchor's chain");
    }
    return `no receipt for ${a.txHash}`;
  }
  if (Number(receipt.status) !== 1) return "the transaction reverted";
  if (Number(receipt.blockNumber) !== a.blockNumber)
    return `the transaction is in block ${Number(receipt.blockNumber)}, not ${a.blockNumber}`;
  const log = receipt.logs.find(
    (l) =>
      lc(l.address) === lc(a.contract) && lc(l.topics[0]) === ROOT_ANCHORED && lc(l.topics[1]) === lc(root),
  );
  if (!log) return `no RootAnchored(${root}) log from ${a.contract}`;
  if (Number(BigInt(`0x${log.data.slice(2, 66)}`)) !== a.blockTimestamp)
    return "the log's timestamp is not blockTimestamp";
  const block = await rpc(fetchFn, url, "eth_getBlockByNumber", [`0x${a.blockNumber.toString(16)}`, false]);
  if (!block || Number(block.timestamp) !== a.blockTimestamp)
    return "the block's timestamp is not blockTimestamp";
  const at = await rpc(fetchFn, url, "eth_call", [
    { to: a.contract, data: `${ANCHORED_AT}${root.slice(2)}` },
    "latest",
  ]);
  if (at === "0x" || Number(BigInt(at)) !== a.blockTimestamp)
    return `anchoredAt(root) is not ${a.blockTimestamp}`;
  return null;
}

/**
 * Verifies a sealtrail-evidence-v1 package as docs/evidence.md section 3 says. Never throws for what the
 * package holds.
 */
export async function verifyEvidence(pkg, options = {}) {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const rpcUrls = options.rpcUrls ?? [];
  const failures = [];
  const fail = (subject, check, detail) => failures.push({ subject, check, detail });
  const report = {
    status: "invalid",
    readings: { total: 0, verified: 0, pending: 0 },
    events: { total: 0, verified: 0, pending: 0, hidden: 0 },
    batches: { total: 0, proven: 0, anchored: 0 },
    anchors: [],
    complete: null,
    sensors: [],
    failures,
  };
  // 0. Shape.
  if (pkg?.format !== EVIDENCE_FORMAT) {
    fail("package", "format", `format is not ${EVIDENCE_FORMAT}`);
    return report;
  }
  const validate = schemaValidator();
  if (!validate(pkg)) {
    fail("package", "format", validate.errors.map((e) => `${e.instancePath} ${e.message}`).join("; "));
    return report;
  }
  // 1. Keys: a key whose address is not its public key's verifies nothing.
  const deviceKeys = new Map();
  const orgKeys = new Map();
  for (const [list, into] of [
    [pkg.keys.devices, deviceKeys],
    [pkg.keys.organisations, orgKeys],
  ])
    for (const k of list) {
      let address = null;
      try {
        address = addressFromPublicKey(k.publicKey);
      } catch {}
      if (address !== lc(k.address))
        fail(`key ${k.address}`, "key", "the public key's address is not the key's address");
      else into.set(address, k);
    }

  // 2. Messages; 3. multiproofs. Readings and events that verified, with their batch (null: pending).
  const readings = [];
  const events = new Set();
  const provenRoots = new Set();
  const hiddenProven = new Set();
  const verifyReading = (text, root) => {
    const raw = fromBase64(text);
    const id = bytesToHex(keccak_256(raw));
    const kid = kidOf(raw);
    if (kid === null) {
      fail(`reading ${id}`, "decode", "not a COSE_Sign1 whose protected header has a 20-byte kid");
      return { id, ok: false };
    }
    const key = deviceKeys.get(kid);
    if (!key) {
      fail(`reading ${id}`, "key", `no key of device ${kid} in the package`);
      return { id, ok: false };
    }
    const r = verifyMessage(raw, key.publicKey);
    if (!r.ok) {
      fail(`reading ${id}`, r.category === "signature" ? "signature" : "decode", r.reason);
      return { id, ok: false };
    }
    return { id, ok: true, reading: { id, root, device: r.device, ...r.payload } };
  };
  const verifyEvent = (text) => {
    const raw = fromBase64(text);
    const id = bytesToHex(keccak_256(raw));
    const probe = verifyEventMessage(bytesToHex(raw), null);
    if (!probe.ok) {
      fail(`event ${id}`, "decode", probe.reason);
      return { id, ok: false };
    }
    const key = orgKeys.get(lc(probe.signer));
    if (!key) {
      fail(`event ${id}`, "key", "no key of its signer in the package");
      return { id, ok: false };
    }
    const r = verifyEventMessage(bytesToHex(raw), key.publicKey);
    if (!r.ok) fail(`event ${id}`, "signature", r.reason);
    return { id, ok: r.ok };
  };
  for (const batch of pkg.batches) {
    const root = lc(batch.root);
    const ids = [];
    const signed = [];
    for (const text of batch.readings) {
      report.readings.total++;
      const r = verifyReading(text, root);
      ids.push(r.id);
      if (r.ok) signed.push(r);
    }
    for (const text of batch.events) {
      report.events.total++;
      const e = verifyEvent(text);
      ids.push(e.id);
      if (e.ok) signed.push(e);
    }
    for (const id of batch.hidden) ids.push(lc(id));
    report.events.hidden += batch.hidden.length;
    const ordered = ids.map((id) => ({ id, leaf: leafOf(id) })).sort((x, y) => cmp(x.leaf, y.leaf));
    const reached = processMultiProof(
      ordered.map((x) => x.leaf),
      batch.proof.map((h) => hexToBytes(h)),
      batch.flags,
    );
    let library = false;
    try {
      library = StandardMerkleTree.verifyMultiProof(batch.root, ["bytes32"], {
        leaves: ordered.map((x) => [x.id]),
        proof: batch.proof,
        proofFlags: [...batch.flags].map((f) => f === "1"),
      });
    } catch {}
    const proven = reached !== null && bytesToHex(reached) === root && library;
    if (!proven) {
      fail(
        `batch ${root}`,
        "multiproof",
        reached === null ? "the multiproof does not fit its leaves" : "it does not lead to the root",
      );
      continue;
    }
    provenRoots.add(root);
    for (const id of batch.hidden) hiddenProven.add(lc(id));
    for (const s of signed) {
      if (s.reading) {
        readings.push(s.reading);
        report.readings.verified++;
      } else {
        events.add(s.id);
        report.events.verified++;
      }
    }
  }
  for (const text of pkg.pending.readings) {
    report.readings.total++;
    report.readings.pending++;
    const r = verifyReading(text, null);
    if (r.ok) readings.push(r.reading); // counts for completeness (signature only), not as verified
  }
  for (const text of pkg.pending.events) {
    report.events.total++;
    report.events.pending++;
    const e = verifyEvent(text);
    if (e.ok) events.add(e.id);
  }
  report.events.hidden += pkg.pending.hidden.length;
  report.batches.total = pkg.batches.length;
  report.batches.proven = provenRoots.size;

  // 4. Anchors of proven batches, on every endpoint that serves their chain.
  const chainOf = new Map();
  const chainIdOf = async (url) => {
    if (!chainOf.has(url))
      chainOf.set(
        url,
        rpc(fetchFn, url, "eth_chainId", []).then(Number, () => null),
      );
    return chainOf.get(url);
  };
  const anchoredRoots = new Set();
  for (const batch of pkg.batches) {
    const root = lc(batch.root);
    for (const a of batch.anchors) {
      const entry = { root, chainId: a.chainId, result: "unchecked", detail: "" };
      report.anchors.push(entry);
      if (a.status !== "included" && a.status !== "final") {
        entry.result = "not-anchored";
        continue;
      }
      if (!provenRoots.has(root)) {
        entry.detail = "its batch's multiproof failed";
        continue;
      }
      const answers = [];
      for (const url of rpcUrls) {
        const id = await chainIdOf(url);
        if (id === null) answers.push({ url, unreadable: true });
        else if (id === a.chainId)
          answers.push(
            await contradiction(fetchFn, url, root, a).then(
              (c) => ({ url, contradiction: c }),
              () => ({ url, unreadable: true }),
            ),
          );
      }
      const against = answers.find((x) => x.contradiction);
      if (against) {
        entry.result = "failed";
        entry.detail = against.contradiction;
        fail(`anchor of ${root} on chain ${a.chainId}`, "anchor", against.contradiction);
      } else if (answers.length > 0 && answers.every((x) => x.contradiction === null)) {
        entry.result = "verified";
        anchoredRoots.add(root);
      } else
        entry.detail =
          answers.length === 0 ? "no endpoint serves its chain" : "an endpoint could not be read";
    }
  }
  report.batches.anchored = anchoredRoots.size;

  // 5. Journey: completeness (and, for items, every journey event accounted for).
  const byDevice = (device) =>
    readings.filter((r) => lc(r.device) === lc(device)).sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  const stretches =
    pkg.subject.kind === "device"
      ? [{ device: pkg.subject.id, from: pkg.subject.from, to: pkg.subject.to }]
      : (pkg.journey?.sensors ?? []);
  if (pkg.subject.kind !== "device") {
    if (!pkg.journey) fail("journey", "journey", "an item, lot or shipment package needs a journey");
    for (const e of pkg.journey?.events ?? []) {
      const id = lc(e.messageId);
      if (e.visible ? !events.has(id) : !hiddenProven.has(id))
        fail(`event ${id}`, "journey", e.visible ? "no verified signed message" : "no proven hidden leaf");
    }
    for (const s of stretches)
      if (s.device !== null && deviceKeys.get(lc(s.device))?.giai !== s.giai)
        fail(`sensor ${s.giai}`, "journey", `device ${s.device} does not carry GIAI ${s.giai}`);
  }
  for (const s of stretches) {
    const gaps =
      s.device === null
        ? [{ from: s.from, to: s.to, reason: "no device" }]
        : readingChainGaps(byDevice(s.device), s.from, s.to, pkg.maxSilenceMs);
    report.sensors.push({ device: s.device, from: s.from, to: s.to, complete: gaps.length === 0, gaps });
  }
  report.complete = report.sensors.length > 0 && report.sensors.every((s) => s.complete);
  if (pkg.claimed.complete !== null && pkg.claimed.complete !== report.complete)
    fail(
      "journey",
      "completeness",
      `the server claims ${pkg.claimed.complete}, the evidence shows ${report.complete}`,
    );

  // 6. Verdict.
  const everyMessageAnchored =
    report.readings.pending + report.events.pending === 0 &&
    pkg.batches.every((b) => anchoredRoots.has(lc(b.root)));
  report.status =
    failures.length > 0
      ? "invalid"
      : report.anchors.some((a) => a.result === "unchecked")
        ? "unverified"
        : everyMessageAnchored
          ? "valid"
          : "not-anchored";
  return report;
}
