import { connect, createServer, type Socket } from "node:net";

/**
 * A TCP proxy on loopback that a test can take down (connections are cut at once) and bring back up.
 * It keeps listening while down and drops what it accepts: closing and re-listening on the same port
 * would let another process take the port in between, and a proxy picking a free port before listening
 * on it could lose it the same way.
 */
export async function startToggleProxy(
  targetPort: number,
): Promise<{ url: string; down(): Promise<void>; up(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let isUp = true;
  const server = createServer((client) => {
    if (!isUp) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as { port: number };
  const down = async () => {
    isUp = false;
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  const up = async () => {
    isUp = true;
  };
  const close = async () => {
    await down();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url: `http://127.0.0.1:${port}`, down, up, close };
}
