// Worker entry: builds the Merkle root of a batch off the main thread. Loaded by Node's own type
// stripping (no TS loader in workers), so it imports protocol/ by relative path with .ts extensions.
import { parentPort } from "node:worker_threads";
import { prepareHashes } from "../../protocol/hashes.ts";
import { MessageMerkleTree } from "../../protocol/merkle.ts";
import { lowerThreadPriority } from "./threadPriority.ts";

lowerThreadPriority(); // a seal takes what the verify pool and the event loop leave
await prepareHashes(); // requests wait in the port's queue meanwhile

type Request = { id: number; ids: Uint8Array; count: number };

parentPort!.on("message", (req: Request) => {
  try {
    const leaves: Uint8Array[] = new Array(req.count);
    for (let i = 0; i < req.count; i++) leaves[i] = req.ids.subarray(i * 32, i * 32 + 32);
    parentPort!.postMessage({ id: req.id, root: MessageMerkleTree.build(leaves).root });
  } catch (error) {
    parentPort!.postMessage({ id: req.id, error: error instanceof Error ? error.message : String(error) });
  }
});
