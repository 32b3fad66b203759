// Text widths for laying plots out without a canvas. Vega measures text with a canvas when it has
// one and otherwise estimates 0.8 × font size per character, half as wide again as real text:
// legends were cut at 160 px ("smooth ReLU, no a…") and every plot had wide empty margins (a
// rotated axis title of 40 characters was laid out 400 px tall). textWidth sums per-character
// advance widths instead — for each character the larger of Helvetica's (= Arial's, Liberation
// Sans's) and DejaVu Sans's, the fonts a viewer draws "Helvetica, Arial, sans-serif" with — so
// a label is never laid out narrower than any of them draws it. Kerning only makes text
// narrower. renderSvg installs it as vega's `textMetrics.width`.
//
//   textWidth("smooth ReLU", 11)  →  ≈ 66 (px)

/** Advance widths (1/1000 em) of the characters 32–126. */
// prettier-ignore
const ASCII = [
  318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337, //  !"#$%&'()*+,-./
  637, 637, 637, 637, 637, 637, 637, 637, 637, 637, 337, 337, 838, 838, 838, 556, // 0123456789:;<=>?
  1015, 685, 687, 722, 771, 667, 611, 778, 752, 295, 500, 667, 558, 863, 749, 788, // @ABCDEFGHIJKLMNO
  667, 788, 722, 667, 611, 732, 685, 989, 686, 667, 686, 391, 337, 391, 838, 556, // PQRSTUVWXYZ[\]^_
  500, 613, 635, 550, 635, 616, 353, 635, 634, 278, 278, 580, 278, 975, 634, 612, // `abcdefghijklmno
  635, 635, 412, 521, 393, 634, 592, 818, 592, 592, 525, 637, 337, 637, 838, //      pqrstuvwxyz{|}~
];

/** Advance widths (1/1000 em) of other characters plots use: Greek, math, typography (DejaVu Sans). */
// prettier-ignore
const OTHER: [string, number][] = [
  ["′", 228], ["Ι", 295], ["·‘’", 318], ["ι", 339], ["″", 374], ["²³⁰¹⁴⁵⁶⁷⁸⁹₀₁₂₃", 401], ["°–", 500],
  ["∂", 518], ["“”", 519], ["∫", 521], ["⁻", 528], ["ε", 541], ["ζ", 544], ["ç", 550], ["Γξ", 558],
  ["ν", 559], ["χ", 578], ["υ", 579], ["•κ", 590], ["γλ", 592], ["πτ", 603], ["Ρ", 604], ["ΤΥ", 611],
  ["δθοö", 612], ["àä", 613], ["éè", 616], ["ΕΞΣÉ", 632], ["ησüñ", 634], ["ρ", 635], ["µ€μ", 637],
  ["√", 638], ["β", 639], ["Κ", 656], ["αφψ", 660], ["∆∇", 669], ["∑", 674], ["ΑΔΛ", 685], ["ΖΧ", 686],
  ["Β", 687], ["Ν", 749], ["ΗΠ", 752], ["∏", 757], ["Ω", 765], ["ΘΟΦΨ", 788], ["∞", 834],
  ["±×÷−≈≠≤≥→←↑↓ω", 838], ["Μ", 863], ["—…", 1000], ["‰", 1342],
];

const WIDTH = new Map<string, number>();
ASCII.forEach((w, i) => WIDTH.set(String.fromCharCode(32 + i), w));
for (const [chars, w] of OTHER) for (const c of chars) WIDTH.set(c, w);

/** A character the tables do not have: as wide as an em (CJK, symbols). */
const UNKNOWN = 1000;

/** Width in px of one line of `text` at `fontSize` px (bold: 10% wider). */
export function textWidth(text: string, fontSize: number, fontWeight?: string | number): number {
  let em = 0;
  for (const c of text) em += WIDTH.get(c) ?? UNKNOWN;
  const bold = fontWeight !== undefined && (fontWeight === "bold" || fontWeight === "bolder" || Number(fontWeight) >= 600);
  return Math.ceil(((em * fontSize) / 1000) * (bold ? 1.1 : 1));
}
