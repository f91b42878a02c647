// Subcommands, each a module exporting `run(argv, io)`. main.ts loads them lazily by name so that
// `sealtrail verify` never loads the gateway; import from here only when a command is wanted eagerly.
export { run as runVerify, VERIFY_HELP } from "./verify.ts";
