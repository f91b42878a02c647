// Entry of the standalone verifier: `npm run build:verifier` bundles this file, the verify command and
// everything it imports (protocol/, noble, ajv, ethers' ABI coder) into dist/sealtrail-verify.mjs, one
// file that runs on Node >= 20 with nothing installed: `node sealtrail-verify.mjs bundle.json --rpc <url>`.
import { run } from "../commands/verify.ts";

process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
