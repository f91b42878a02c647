import { parseArgs } from "node:util";
import { isConfigError } from "#config";
import { type BackupResult, backupStore, isStoreBackupError } from "#gateway";
import { type CliIo, ExitCode } from "../io.ts";
import { configuredStorePath, describeStoreSummary } from "./storeFiles.ts";

const HELP = `usage: sealtrail backup <file> [--store <store.db>] [--json] [--config <file>]

Copies the SQLite store to <file> while the gateway and the API keep running (SQLite's online backup API:
one consistent snapshot; ingest goes on meanwhile). The copy is written under a temporary name beside
<file>, checked with PRAGMA integrity_check, fsync'd and only then named <file>; an existing <file> is
never overwritten. Readings acknowledged after the snapshot are not in it.

  --store <file>   the store to back up (default: <common.dataDir>/sealtrail.db of the configuration)
  --json           print the result as JSON
  --config <file>  the configuration file (default: SEALTRAIL_CONFIG, if set)

Restore with 'sealtrail restore'. Exit status: 0 written and checked, 1 refused or failed (nothing is
left at <file>), 2 usage. See docs/operations.md, "Backup and restore".
`;

/** `sealtrail backup`: an online, integrity-checked copy of the store. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let values: { help?: boolean; store?: string; json?: boolean; config?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        help: { type: "boolean", short: "h" },
        store: { type: "string" },
        json: { type: "boolean" },
        config: { type: "string" },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`sealtrail backup: ${(error as Error).message}\n\n${HELP}`);
    return ExitCode.Usage;
  }
  if (values.help) {
    io.stdout.write(HELP);
    return ExitCode.Ok;
  }
  if (positionals.length !== 1) {
    io.stderr.write(`sealtrail backup: name one backup file\n\n${HELP}`);
    return ExitCode.Usage;
  }
  let result: BackupResult;
  try {
    const store = values.store ?? configuredStorePath(values.config);
    result = await backupStore(store, positionals[0]!);
  } catch (error) {
    if (!isStoreBackupError(error) && !isConfigError(error)) throw error;
    io.stderr.write(`sealtrail backup: ${error.message}\n`);
    return ExitCode.Failed;
  }
  io.stdout.write(
    values.json
      ? `${JSON.stringify(result)}\n`
      : `Backup of ${result.source} written to ${result.path}: ${describeStoreSummary(result)}; integrity_check ok; copy ${seconds(result.copyMs)}, check ${seconds(result.checkMs)}\n`,
  );
  return ExitCode.Ok;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
