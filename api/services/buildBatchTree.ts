import { Worker } from "node:worker_threads";
import { type Hex, MessageMerkleTree, ProtocolError, ProtocolErrorCode } from "#protocol";

/** Batches of at least this many messages get their tree built on a worker thread. */
export const DEFAULT_OFF_THREAD_FROM = 20_000;

/**
 * The Merkle tree of a batch's message ids. Small batches are built here; from `offThreadFrom` ids the tree
 * is built on a short-lived worker thread (a million leaves take seconds, and in the embedded stack the API
 * shares its event loop with the broker: PUBACKs would wait).
 * @example const tree = await buildBatchTree(await store.batchMessageIds(batchId))
 */
export async function buildBatchTree(
  messageIds: readonly Hex[],
  options: { offThreadFrom?: number } = {},
): Promise<MessageMerkleTree> {
  if (messageIds.length < (options.offThreadFrom ?? DEFAULT_OFF_THREAD_FROM)) {
    return MessageMerkleTree.build(messageIds);
  }
  const packed = Buffer.alloc(messageIds.length * 32);
  for (let i = 0; i < messageIds.length; i++) {
    const id = messageIds[i]!;
    // Buffer.write decodes hex natively (hexToBytes per id held the loop ~1 s at a million) but stops at
    // the first bad digit: an id that does not fill its 32 bytes is refused.
    if (id.length !== 66 || !id.startsWith("0x") || packed.write(id.slice(2), i * 32, 32, "hex") !== 32) {
      throw new ProtocolError(ProtocolErrorCode.InvalidArgument, "message ids are 32-byte 0x-hex", {
        details: { id: String(id).slice(0, 70) },
      });
    }
  }
  const worker = new Worker(new URL("./batchTreeWorker.ts", import.meta.url), { name: "sealtrail-api-tree" });
  try {
    const reply = await new Promise<{ ids?: Uint8Array; nodes?: Uint8Array; error?: string }>(
      (resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new Error(`tree worker exited (${code}) before answering`)));
        worker.postMessage({ ids: packed }, [packed.buffer as ArrayBuffer]);
      },
    );
    if (!reply.ids || !reply.nodes) throw new Error(`tree worker: ${reply.error ?? "no tree"}`);
    return MessageMerkleTree.fromParts(reply.ids, reply.nodes);
  } finally {
    void worker.terminate();
  }
}
