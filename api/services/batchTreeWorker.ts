// Worker entry: builds a batch's Merkle tree off the API's event loop and sends back its two buffers.
// Loaded by Node's own type stripping (Node >= 22.18).
import { parentPort } from "node:worker_threads";
import { MessageMerkleTree, prepareHashes, splitMessageIds } from "#protocol";

await prepareHashes(); // the request waits in the port's queue meanwhile

parentPort!.once("message", (request: { ids: Uint8Array }) => {
  try {
    const { ids, nodes } = MessageMerkleTree.build(splitMessageIds(request.ids)).toParts();
    parentPort!.postMessage({ ids, nodes }, [ids.buffer as ArrayBuffer, nodes.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
