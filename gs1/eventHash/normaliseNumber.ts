// What Python's float() accepts (the reference implementation is Python): optional sign, digits with single
// underscores between them, optional fraction and exponent. inf/nan are left alone (see below).
const PY_FLOAT = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;

/**
 * The event hash form of a number: integers without a fraction, sign or leading zeros (`+007.0` → `7`),
 * other values in Python's shortest round-trip form (`0.10` → `0.1`, `0.00001` → `1e-05`): the form the
 * reference implementation, in Python, gives with `str(float(text))`. Text that is not a number, or whose
 * value is not finite, comes back unchanged.
 * @example normaliseNumber("452.0") // "452"
 */
export function normaliseNumber(text: string): string {
  const first = text.charCodeAt(0);
  // Fast refusal: a number starts with a digit, a sign or a dot (or, for Python, any Unicode digit).
  if (!((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46 || first > 127))
    return text;
  const ascii = first > 127 || NON_ASCII.test(text) ? asciiDigits(text) : text;
  if (!PY_FLOAT.test(ascii)) return text;
  const value = Number(ascii.replaceAll("_", ""));
  if (!Number.isFinite(value)) return text;
  if (Number.isInteger(value)) return BigInt(value).toString();
  return pythonFloatRepr(value);
}

const DECIMAL_DIGIT = /^\p{Nd}$/u;
const NON_ASCII = /[^\p{ASCII}]/u;

/**
 * Python's float() reads any Unicode decimal digit ("١٢" is 12). Unicode lays each script's digits out as
 * runs of ten, zero first, so a digit's value is its distance from the start of its run, modulo 10.
 */
function asciiDigits(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 128 || !DECIMAL_DIGIT.test(char)) {
      out += char;
      continue;
    }
    let start = code;
    while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
    out += String((code - start) % 10);
  }
  return out;
}

/** Python's repr of a non-integral finite float: JavaScript's shortest digits, Python's exponent rule. */
function pythonFloatRepr(value: number): string {
  const exponential = value.toExponential();
  const e = exponential.indexOf("e");
  const exponent = Number(exponential.slice(e + 1));
  // Python writes scientific notation for decimal exponents below -4 (and from 16, which only integers reach).
  if (exponent >= -4) return String(value);
  const sign = exponent < 0 ? "-" : "+";
  return `${exponential.slice(0, e)}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}
