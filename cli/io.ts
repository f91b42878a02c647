/** Where a command writes; process.stdout/stderr in production, buffers in tests. */
export type CliIo = {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
};

/** A subcommand: takes its own arguments (after the command name), returns the exit code. */
export type CommandRun = (argv: string[], io: CliIo) => Promise<number>;

/** Exit codes shared by every command. */
export const ExitCode = {
  Ok: 0,
  /** The command ran and the answer is "no" (e.g. the bundle is not valid). */
  Failed: 1,
  /** Bad usage or unreadable input. */
  Usage: 2,
} as const;
