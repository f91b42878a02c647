/** ΔH/R for the mean kinetic temperature, kelvin: ΔH = 83.144 kJ/mol as USP <1160> and ICH Q1A use. */
const DELTA_H_OVER_R = 83_144 / 8.314_462_618;
const KELVIN = 273.15;

/**
 * Mean kinetic temperature of equally spaced temperatures, °C (USP <1160>): the single temperature that
 * would degrade a product as much as the varying ones did. Information beside the verdict, not a rule.
 * Returns null for no temperatures.
 * @example meanKineticTemperature([4, 5, 6]) // ≈ 5.02
 */
export function meanKineticTemperature(temperaturesC: readonly number[]): number | null {
  if (temperaturesC.length === 0) return null;
  let sum = 0;
  for (const t of temperaturesC) sum += Math.exp(-DELTA_H_OVER_R / (t + KELVIN));
  return DELTA_H_OVER_R / -Math.log(sum / temperaturesC.length) - KELVIN;
}
