// Public API of device-firmware-sim/random/.
export { createPrng, type Prng } from "./createPrng.ts";
