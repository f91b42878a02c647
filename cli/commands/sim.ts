// `sealtrail sim <scenario.yaml> --mqtt <url> --api <url> --admin-token <t> --data-dir <dir>`: runs a
// simulated fleet against any gateway (see device-firmware-sim/README.md).
export { runSimCommand as run } from "#sim";
