let channel: { port: MessagePort; waiting: (() => void)[] } | undefined;

/**
 * Resolves after the event loop has had a turn: answers to network requests (the anchors' JSON-RPC reads)
 * are handled while a long synchronous loop (signature checks) pauses here. Not `setTimeout(0)`: browsers
 * clamp nested timers to 4 ms, which a loop yielding every few milliseconds would spend waiting. Node has
 * `setImmediate`; a browser or worker gets a MessageChannel, whose messages are tasks without a clamp.
 * @example if (performance.now() - sliceStart > 12) await yieldToEventLoop();
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === "function") return new Promise((resolve) => setImmediate(resolve));
  if (channel === undefined) {
    const pair = new MessageChannel();
    const waiting: (() => void)[] = [];
    pair.port1.onmessage = () => waiting.shift()?.();
    channel = { port: pair.port2, waiting };
  }
  const { port, waiting } = channel;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(null);
  });
}
