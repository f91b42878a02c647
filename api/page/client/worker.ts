// The page's Web Worker: verifies the evidence package off the main thread and answers with the view.
import type { VerifyRequest, WorkerReply } from "./workerMessages.ts";

const post = (reply: WorkerReply) => (self as unknown as Worker).postMessage(reply);

self.onmessage = (event: MessageEvent<VerifyRequest>) => {
  if (event.data.type !== "verify") return;
  post({ type: "error", code: "NOT_IMPLEMENTED", message: "verification is not wired yet" });
};
