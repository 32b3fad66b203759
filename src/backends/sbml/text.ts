// SBML text written directly, exactly as libSBML 5.18 writes it: its number format (C++
// ostream, precision 15, i.e. printf %.15g with ties to even), its attribute escaping, and the
// MathML it writes for a literal of libSBML's L3 formula syntax (`0.25 molar`, `3 dimensionless`,
// `1.5e-7 molar`, `-2 molar`). emit.ts uses it for the parts of a model that are large (species,
// reactions, the schedule's piecewise assignments); the tests check the result against libSBML
// (reading the document back and writing it again gives the same text).
//
//   fmt15(0.1 + 0.2)  →  "0.3"        fmt15(1e-7)  →  "1e-07"
//   cnLines("1.5e-7", "molar")  →  ['<cn sbml:units="molar" type="e-notation"> 1.5 <sep/> -7 </cn>']

/** A double as libSBML writes it (attributes and MathML `<cn>`): %.15g, ties to even; NaN, INF, -INF. */
export function fmt15(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "INF";
  if (x === -Infinity) return "-INF";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const neg = x < 0;
  const ax = neg ? -x : x;
  // 15 significant digits, rounded half up (ECMAScript) ...
  let [m, e] = ax.toExponential(14).split("e") as [string, string];
  // ... which differs from C's ties-to-even only when the exact value has 16 digits ending in 5
  // and the 15th is even: then the exact value rounds down.
  const t = ax.toExponential(15);
  if (t[16] === "5" && Number(t[15]) % 2 === 0 && exactly16Digits(ax, t)) {
    [m, e] = [t.slice(0, 16), t.slice(t.indexOf("e") + 1)];
  }
  const X = Number(e);
  const digits = m.replace(".", "");
  let out: string;
  if (X < -4 || X >= 15) {
    const frac = digits.slice(1).replace(/0+$/, "");
    out = `${digits[0]}${frac ? "." + frac : ""}e${X < 0 ? "-" : "+"}${String(Math.abs(X)).padStart(2, "0")}`;
  } else if (X >= 0) {
    const frac = digits.slice(X + 1).replace(/0+$/, "");
    out = digits.slice(0, X + 1) + (frac ? "." + frac : "");
  } else {
    out = ("0." + "0".repeat(-X - 1) + digits).replace(/0+$/, "");
  }
  return neg ? "-" + out : out;
}

/** The exact decimal expansion of a double ax > 0: its significant digits and the power of ten of the first. */
function exactlyDigits(ax: number): { digits: string; exp10: number } {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, ax);
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (bexp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = bexp - 1075;
  }
  // ax = mant · 2^e2 = mant · 5^(−e2) / 10^(−e2) when e2 < 0.
  const n = e2 >= 0 ? mant << BigInt(e2) : mant * 5n ** BigInt(-e2);
  const s = n.toString();
  return { digits: s.replace(/0+$/, ""), exp10: s.length - 1 + Math.min(0, e2) };
}

/** Whether ax > 0 is exactly the 16-significant-digit decimal t (as toExponential(15) writes it). */
function exactly16Digits(ax: number, t: string): boolean {
  const { digits, exp10 } = exactlyDigits(ax);
  return digits.length === 16 && exp10 === Number(t.slice(t.indexOf("e") + 1)) && digits === t.slice(0, 17).replace(".", "");
}

/** An XML attribute value escaped as libSBML does (an existing entity or character reference is kept). */
export function escAttr(s: string): string {
  return s
    .replace(/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * The MathML libSBML writes for the L3 formula `${lit} ${unit}`, where `lit` is a number as
 * `formatNumber` writes it (JavaScript's shortest form, `-` for negatives): one line, or four
 * for a negative number (unary minus), each without indentation, relative depth in spaces.
 */
export function cnLines(lit: string, unit: string): string[] {
  const neg = lit.startsWith("-");
  const body = neg ? lit.slice(1) : lit;
  const u = ` sbml:units="${unit}"`;
  const eNotation = (mant: string, exp: string) => `<cn${u} type="e-notation"> ${mant} <sep/> ${Number(exp)} </cn>`;
  let cn: string;
  const ei = body.search(/[eE]/);
  if (ei >= 0) {
    // The parser keeps mantissa and exponent (an AST_REAL_E); the mantissa is written as a double.
    cn = eNotation(fmt15(Number(body.slice(0, ei))), body.slice(ei + 1));
  } else if (/^\d+$/.test(body) && Number(body) <= 2147483647) {
    cn = `<cn${u} type="integer"> ${Number(body)} </cn>`;
  } else {
    // A real (an integer beyond a 32-bit long is one too); written in e-notation when %.15g has an exponent.
    const v = fmt15(Number(body));
    const i = v.indexOf("e");
    cn = i < 0 ? `<cn${u}> ${v} </cn>` : eNotation(v.slice(0, i), v.slice(i + 1));
  }
  return neg ? ["<apply>", "  <minus/>", "  " + cn, "</apply>"] : [cn];
}
