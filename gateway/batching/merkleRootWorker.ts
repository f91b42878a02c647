// Worker entry: builds the Merkle root of a batch off the main thread. Loaded by Node's own type
// stripping (no TS loader in workers), so it imports protocol/ by relative path with .ts extensions.
import { parentPort } from "node:worker_threads";
import { prepareHashes } from "../../protocol/hashes.ts";
import { MessageMerkleTree, splitMessageIds } from "../../protocol/merkle.ts";
import { lowerThreadPriority } from "./threadPriority.ts";

lowerThreadPriority(); // a seal takes what the verify pool and the event loop leave
await prepareHashes(); // requests wait in the port's queue meanwhile

type Request = { id: number; ids: Uint8Array; count: number };

parentPort!.on("message", (req: Request) => {
  try {
    const root = MessageMerkleTree.build(splitMessageIds(req.ids, req.count)).root;
    parentPort!.postMessage({ id: req.id, root });
  } catch (error) {
    parentPort!.postMessage({ id: req.id, error: error instanceof Error ? error.message : String(error) });
  }
});
