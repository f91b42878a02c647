import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Replaces `path` with `data` so that after a crash or power loss the file holds either the old or the
 * new content, never a torn mix: write a temporary file beside it, fsync it, rename it over the target
 * (atomic on POSIX), then fsync the directory so the rename itself is durable.
 * @example await atomicWriteFile(join(dir, "state.json"), JSON.stringify(state))
 */
export async function atomicWriteFile(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString("hex")}.tmp`);
  const file = await open(temp, "wx", options.mode ?? 0o644);
  try {
    await file.writeFile(data);
    await file.sync();
  } catch (error) {
    await file.close();
    await unlink(temp).catch(() => {});
    throw error;
  }
  await file.close();
  await rename(temp, path);
  await fsyncDirectory(dirname(path));
}

/** Makes a directory's entries (a rename, a new file) durable. Some filesystems cannot; that is not fatal. */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EINVAL" && code !== "EISDIR" && code !== "EPERM" && code !== "EBADF") throw error;
  } finally {
    await handle?.close();
  }
}

/** True when `name` is a leftover temporary file of {@link atomicWriteFile} (safe to delete at start). */
export function isAtomicWriteLeftover(name: string): boolean {
  return name.startsWith(".") && name.endsWith(".tmp");
}
