// Public API of device-firmware-sim/cli/: the `sealtrail sim` command (cli/main.ts wires it in).
export {
  formatDeviceTable,
  formatProgressFrame,
  formatRefusals,
  formatSummaryLine,
} from "./formatProgress.ts";
export { parseSimArgs, SIM_HELP, type SimArgs } from "./parseSimArgs.ts";
export { runSimCommand, type SimCommandIo } from "./runSimCommand.ts";
