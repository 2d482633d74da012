/**
 * ¹³C-label J multiplets: with `label = "13C"`, the observed ¹⁵N or ¹³C spin is split by its
 * one-bond couplings to neighbouring ¹³C nuclei, which no CEST sequence decouples. Each line of
 * the multiplet gets its own Liouvillian (an extra precession 2π·J_line) and the signals add.
 *
 * Lines are built as ChemEx does (physics-conventions 1): start from {0}; for each listed
 * coupling c replace every line v by v − c/2 (first block) and v + c/2 (second block); merge
 * exactly equal values in order of first appearance, weight = multiplicity.
 *
 * ChemEx sums the lines with these raw multiplicities (8 in total for backbone ¹⁵N) while its
 * reference points are unweighted, which inflates saturated points relative to the reference
 * (pitfall P4, refdata NOTE_chemex_defect.txt). {@link jMultiplet} therefore normalises the
 * weights to sum to one unless `rawWeights` asks for ChemEx's behaviour.
 *
 * @module
 */

/** Coupling constants (Hz) to neighbouring ¹³C per residue type (one-letter, lower case) and atom. */
export const J_EFF: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>> = (() => {
  const backbone = {
    n: [-7.7, -10.7, -14.4],
    c: [52.5, -14.4],
    ca: [52.5, 35.0, -10.7, -7.7],
  };
  const protein = (side: Record<string, number[]>) => ({ ...backbone, ...side });
  return {
    a: protein({ cb: [35.0], "c1'": [45.0, 11.0], c2: [11.2], c8: [9.5, 9.5, 6.0, 10.0] }),
    c: protein({ cb: [35.0], "c1'": [45.0, 11.0], c6: [66.0, 13.0, 3.0] }),
    d: protein({ cb: [35.0, 52.5], cg: [52.5] }),
    e: protein({ cb: [35.0, 35.0], cg: [35.0, 52.5], cd: [52.5] }),
    f: protein({ cb: [35.0, 52.5] }),
    g: {
      n: [-7.7, -10.7, -14.4],
      c: [52.5, -14.4],
      ca: [52.5, -10.7, -7.7],
      "c1'": [45.0, 11.0],
      c8: [9.5, 9.5, 6.0, 10.0],
      n1: [7.5, 15.0],
    },
    h: protein({
      cb: [35.0, 52.5],
      cg: [52.5, 72.0, -14.4],
      cd2: [72.0, -14.4],
      ce1: [-14.4, -14.4],
      nd1: [-14.4, -14.4],
      ne2: [-14.4, -14.4],
    }),
    i: protein({ cb: [35.0, 35.0, 35.0], cg1: [35.0, 35.0], cg2: [35.0], cd1: [35.0] }),
    k: protein({
      cb: [35.0, 35.0],
      cg: [35.0, 35.0],
      cd: [35.0, 35.0],
      ce: [35.0, -10.7],
      nz: [-10.7],
    }),
    l: protein({ cb: [35.0, 35.0], cg: [35.0, 35.0, 35.0], cd1: [35.0], cd2: [35.0] }),
    m: protein({ cb: [35.0, 35.0], cg: [35.0], ce: [] }),
    n: protein({ cb: [35.0, 52.5, -7.7], cg: [52.5, -14.4], nd2: [-14.4, -7.7] }),
    p: protein({
      n: [-7.7, -10.7, -14.4, -10.7],
      cb: [35.0, 35.0],
      cg: [35.0, 35.0],
      cd: [35.0, -10.7],
    }),
    q: protein({ cb: [35.0, 35.0], cg: [35.0, 52.5, -7.7], cd: [52.5, -14.4], ne2: [-14.4, -7.7] }),
    r: protein({
      cb: [35.0, 35.0],
      cg: [35.0, 35.0],
      cd: [35.0, -10.7],
      ne: [-10.7, -14.4],
      cz: [-14.4, -14.4, -14.4],
      nh1: [-14.4],
      nh2: [-14.4],
    }),
    s: protein({ cb: [35.0] }),
    t: protein({ cb: [35.0, 35.0], cg2: [35.0], "c1'": [45.0, 11.0] }),
    v: protein({ cb: [35.0, 35.0, 35.0], cg1: [35.0], cg2: [35.0] }),
    w: protein({ cb: [35.0, 52.5], ne1: [-14.4, -14.4] }),
    y: protein({ cb: [35.0, 52.5] }),
    u: { "c1'": [45.0, 11.0], c6: [66.0, 13.0, 3.0], n3: [19.2, 10.7] },
    "": backbone,
  };
})();

/** Lines of a multiplet: frequencies (Hz) and weights. */
export interface JMultiplet {
  linesHz: Float64Array;
  weights: Float64Array;
}

/** The single unsplit line (no ¹³C label). */
export const SINGLE_LINE: Readonly<JMultiplet> = Object.freeze({
  linesHz: Float64Array.of(0),
  weights: Float64Array.of(1),
});

/** Raised when no coupling table exists for a residue type and atom. */
export class JMultipletError extends Error {
  override name = "JMultipletError";
}

/**
 * Multiplet of an atom of a residue type (`symbol` one-letter code, "" for unknown residue
 * type: backbone couplings only). Weights are normalised to sum to one unless `rawWeights`
 * (ChemEx's multiplicities, pitfall P4).
 *
 * @example
 * ```ts
 * jMultiplet("", "N").linesHz.length; // 8 (distinct lines of −7.7, −10.7, −14.4 Hz)
 * jMultiplet("I", "CB", { rawWeights: true }).weights; // [1, 3, 3, 1]
 * ```
 */
export function jMultiplet(
  symbol: string,
  atom: string,
  opts: { rawWeights?: boolean } = {},
): JMultiplet {
  const residue = J_EFF[symbol.toLowerCase()];
  const couplings = residue?.[atom.toLowerCase()];
  if (!couplings) {
    const known = residue ? Object.keys(residue).map((a) => a.toUpperCase()).join(", ") : "";
    throw new JMultipletError(
      `no 13C coupling table for atom "${atom}" of residue type "${symbol || "(none)"}"` +
        (residue
          ? ` (known atoms: ${known})`
          : " (give the residue type in the spin-system name, e.g. L18CB)"),
    );
  }
  let lines = [0.0];
  for (const c of couplings) {
    const half = c * 0.5;
    lines = [...lines.map((v) => v + half * -1.0), ...lines.map((v) => v + half * 1.0)];
  }
  const counts = new Map<number, number>();
  for (const v of lines) counts.set(v, (counts.get(v) ?? 0) + 1);
  const linesHz = Float64Array.from(counts.keys());
  const raw = Float64Array.from(counts.values());
  const total = lines.length;
  return {
    linesHz,
    weights: opts.rawWeights ? raw : raw.map((w) => w / total),
  };
}
