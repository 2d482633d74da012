/**
 * Text for the PDF writer with the standard fonts every PDF reader has (Helvetica, Helvetica-Bold,
 * Symbol), so no font file is parsed, subset or embedded (private to `src/plot/`). Axis titles
 * hold Greek letters, sub- and superscripts ("R₂,eff (s⁻¹)", "ν_CPMG"): Greek letters and the minus
 * sign come from Symbol, sub/superscript digits are set smaller and raised or lowered. Widths are
 * the fonts' published metrics (1/1000 em), for centring and right-aligning labels.
 *
 * @module
 */

/** Space-separated advance widths (1/1000 em) as numbers. */
function widths(text: string): number[] {
  return text.split(" ").map(Number);
}

/** Helvetica advance widths of the characters 32–126. */
const HELVETICA = widths(
  "278 278 355 556 556 889 667 222 333 333 389 584 278 333 278 278 556 556 556 556 556 556" +
    " 556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667" +
    " 556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 222 556" +
    " 556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722" +
    " 500 500 500 334 260 334 584",
);
/** Helvetica-Bold advance widths of the characters 32–126. */
const HELVETICA_BOLD = widths(
  "278 333 474 556 556 889 722 278 333 333 389 584 278 333 278 278 556 556 556 556 556 556" +
    " 556 556 556 556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722" +
    " 611 833 722 778 667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 278 556" +
    " 611 556 611 556 333 611 611 278 278 556 278 889 611 611 611 611 389 556 333 611 556 778" +
    " 556 556 500 389 280 389 584",
);
/** Unicode (hex) → [Symbol font code, width] for Greek letters and the minus sign. */
const SYMBOL = new Map<number, [number, number]>(
  (
    "03b1:97:631 03b2:98:549 03b3:103:411 03b4:100:494 03b5:101:439 03b6:122:494 03b7:104:603" +
    " 03b8:113:521 03b9:105:329 03ba:107:549 03bb:108:549 03bc:109:576 03bd:110:521" +
    " 03be:120:493 03bf:111:549 03c0:112:549 03c1:114:549 03c2:86:439 03c3:115:603" +
    " 03c4:116:439 03c5:117:576 03c6:102:521 03c7:99:549 03c8:121:686 03c9:119:686 0391:65:722" +
    " 0392:66:667 0393:71:603 0394:68:612 0395:69:611 0396:90:611 0397:72:722 0398:81:741" +
    " 0399:73:333 039a:75:722 039b:76:686 039c:77:889 039d:78:722 039e:88:645 039f:79:722" +
    " 03a0:80:768 03a1:82:556 03a3:83:592 03a4:84:611 03a5:85:690 03a6:70:763 03a7:67:722" +
    " 03a8:89:795 03a9:87:768 2212:45:549"
  ).split(" ").map((e) => {
    const [hex, code, width] = e.split(":");
    return [parseInt(hex, 16), [Number(code), Number(width)]];
  }),
);

/** Sub- and superscript characters → the plain character. */
const SUBSCRIPT = "₀₁₂₃₄₅₆₇₈₉₊₋";
const SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻";
const PLAIN = "0123456789+−";

/** A piece of text in one font and position: `bytes` are the font's character codes. */
export interface TextRun {
  font: "regular" | "bold" | "symbol";
  /** Character codes (0–255) as a string. */
  bytes: string;
  /** Baseline shift: sub- or superscript. */
  script: "base" | "sub" | "super";
  /** Advance width in 1/1000 em of the run's font size. */
  width: number;
}

/** Font size of a sub/superscript run relative to the text. */
export const SCRIPT_SCALE = 0.7;

function glyph(c: number, bold: boolean): { font: TextRun["font"]; code: number; width: number } {
  const symbol = SYMBOL.get(c);
  if (symbol) return { font: "symbol", code: symbol[0], width: symbol[1] };
  const table = bold ? HELVETICA_BOLD : HELVETICA;
  const code = c >= 32 && c <= 126 ? c : c >= 160 && c <= 255 ? c : 63; // "?" for the rest
  return { font: bold ? "bold" : "regular", code, width: table[code - 32] ?? 556 };
}

/**
 * Split text into runs of one font and script position.
 *
 * @example
 * ```ts
 * textRuns("R₂", false).map((r) => [r.font, r.bytes, r.script]);
 * // [["regular", "R", "base"], ["regular", "2", "sub"]]
 * ```
 */
export function textRuns(text: string, bold: boolean): TextRun[] {
  const runs: TextRun[] = [];
  for (const ch of text) {
    let script: TextRun["script"] = "base";
    let plain = ch;
    const sub = SUBSCRIPT.indexOf(ch);
    const sup = SUPERSCRIPT.indexOf(ch);
    if (sub >= 0) [script, plain] = ["sub", PLAIN[sub]];
    else if (sup >= 0) [script, plain] = ["super", PLAIN[sup]];
    const g = glyph(plain.codePointAt(0)!, bold);
    const last = runs.at(-1);
    const width = g.width * (script === "base" ? 1 : SCRIPT_SCALE);
    if (last && last.font === g.font && last.script === script) {
      last.bytes += String.fromCharCode(g.code);
      last.width += width;
    } else runs.push({ font: g.font, bytes: String.fromCharCode(g.code), script, width });
  }
  return runs;
}

/**
 * Width in px of runs set at `size` px.
 *
 * @example
 * ```ts
 * runsWidth(textRuns("10", false), 10); // 11.12
 * ```
 */
export function runsWidth(runs: TextRun[], size: number): number {
  let w = 0;
  for (const r of runs) w += r.width;
  return (w * size) / 1000;
}
