import { parseArgs } from "node:util";
import { isConfigError } from "#config";
import { isStoreBackupError, type RestoreResult, restoreStore } from "#gateway";
import { type CliIo, ExitCode } from "../io.ts";
import { configuredStorePath, describeStoreSummary } from "./storeFiles.ts";

const HELP = `usage: sealtrail restore <backup> [--store <store.db>] [--replace] [--json] [--config <file>]

Puts a backup made by 'sealtrail backup' in place as the store. The backup is copied beside the store,
checked (PRAGMA integrity_check, a schema this build knows) and only then named like the store.

  --store <file>   where the store goes (default: <common.dataDir>/sealtrail.db of the configuration)
  --replace        move a store that is there aside to <store>.replaced-<time> (never deleted); without
                   it an existing store is refused. A store that a gateway, API or backup has open is
                   refused either way: stop them first.
  --json           print the result as JSON
  --config <file>  the configuration file (default: SEALTRAIL_CONFIG, if set)

Then start the gateway and the API on it: batches that were pending or on their way to the chain in the
backup are sealed and anchored, and roots already on chain are recognised, not sent again.
Exit status: 0 restored, 1 refused or failed (the store there is untouched), 2 usage.
See docs/operations.md, "Backup and restore".
`;

/** `sealtrail restore`: a checked backup becomes the store, never over a running one. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let values: { help?: boolean; store?: string; replace?: boolean; json?: boolean; config?: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        help: { type: "boolean", short: "h" },
        store: { type: "string" },
        replace: { type: "boolean" },
        json: { type: "boolean" },
        config: { type: "string" },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`sealtrail restore: ${(error as Error).message}\n\n${HELP}`);
    return ExitCode.Usage;
  }
  if (values.help) {
    io.stdout.write(HELP);
    return ExitCode.Ok;
  }
  if (positionals.length !== 1) {
    io.stderr.write(`sealtrail restore: name one backup file\n\n${HELP}`);
    return ExitCode.Usage;
  }
  let result: RestoreResult;
  try {
    const store = values.store ?? configuredStorePath(values.config);
    result = await restoreStore(positionals[0]!, store, { replace: values.replace ?? false });
  } catch (error) {
    if (!isStoreBackupError(error) && !isConfigError(error)) throw error;
    io.stderr.write(`sealtrail restore: ${error.message}\n`);
    return ExitCode.Failed;
  }
  const aside = result.replacedTo ? `; the store that was there is now ${result.replacedTo}` : "";
  io.stdout.write(
    values.json
      ? `${JSON.stringify(result)}\n`
      : `Restored ${result.backup} to ${result.path}: ${describeStoreSummary(result)}; integrity_check ok${aside}\n`,
  );
  return ExitCode.Ok;
}
