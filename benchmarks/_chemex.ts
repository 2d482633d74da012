/**
 * ChemEx's figures measured side by side with exfit on this project's machine kind (whole
 * process, medians; `../shared/README.md` and `../shared/refdata/fit/* /time.txt`), and the
 * goals of the fits issue (issue 10) derived from them. ChemEx 2025.10 is the faster version
 * and the baseline of every ratio.
 *
 * @module
 */

/** One reference: ChemEx's wall seconds (and peak memory where measured), exfit's goal. */
export interface ChemexReference {
  /** What the figure is, for the printed line and the README table. */
  label: string;
  chemex2025S?: number;
  chemex2025MiB?: number;
  chemex2026S?: number;
  chemex2026MiB?: number;
  /** exfit's goal in seconds (issue 10), if it has one. */
  goalS?: number;
  /** The end-to-end example it is (`_e2e.ts#listExamples`). */
  example: string;
}

/** References by benchmark result name (`benchmarks/_goals.ts`). */
export const CHEMEX: Readonly<Record<string, ChemexReference>> = {
  "whole CPMG_15N_IP": {
    example: "fit/CPMG_15N_IP",
    label: "CPMG_15N_IP example fit (2 fields, 2 steps, 108 profiles), `--plot nothing`",
    chemex2025S: 5.0,
    chemex2025MiB: 148,
    chemex2026S: 37,
    chemex2026MiB: 427,
    goalS: 0.33, // >= 15x ChemEx 2025.10
  },
  "whole CPMG_CH3_1H_SQ": {
    example: "inputs/fit/CPMG_CH3_1H_SQ",
    label: "CPMG_CH3_1H_SQ methyl example (16 methyls, 2 fields, 3 steps)",
    chemex2025S: 35.2,
    goalS: 1.8, // >= 20x
  },
  "whole CPMG_HN_DQ_ZQ": {
    example: "chemex/Experiments/CPMG_HN_DQ_ZQ/run.sh",
    label: "ChemEx's CPMG_HN_DQ_ZQ example, `run.sh` (2 steps: 9 residues, then all)",
    chemex2025S: 191,
    goalS: 19.1, // >= 10x
  },
  "whole CPMG_15N_IP_grid2": {
    example: "fit/CPMG_15N_IP_grid2",
    label: "CPMG_15N_IP_grid2 (10×10 grid over KEX_AB, PB, then refits)",
    chemex2025S: 44.0,
    chemex2026S: 124,
  },
  "whole CPMG_15N_IP_stat": {
    example: "fit/CPMG_15N_IP_stat",
    label: "CPMG_15N_IP_stat (MC, BS, BSN × 10 replicates)",
    chemex2026S: 128,
  },
};

/** The reference name of an end-to-end example, if ChemEx was timed on it. */
export function referenceOf(example: string): string | undefined {
  return Object.entries(CHEMEX).find(([, r]) => r.example === example)?.[0];
}

/** " (ChemEx 2025.10: 5.0 s, 148 MiB: 12.3x faster, 1.1x less memory; goal 0.33 s: met)". */
export function versusChemex(name: string, wallS: number, rssMiB?: number): string {
  const ref = CHEMEX[name];
  if (!ref) return "";
  const parts: string[] = [];
  const one = (version: string, s?: number, mib?: number) => {
    if (s === undefined) return;
    const mem = mib !== undefined && rssMiB !== undefined
      ? `, ${mib} MiB: ${(s / wallS).toFixed(1)}x faster, ${(mib / rssMiB).toFixed(2)}x less memory`
      : `: ${(s / wallS).toFixed(1)}x faster`;
    parts.push(`ChemEx ${version} ${s < 100 ? s.toFixed(1) : s} s${mem}`);
  };
  one("2025.10", ref.chemex2025S, ref.chemex2025MiB);
  one("2026.06.1", ref.chemex2026S, ref.chemex2026MiB);
  if (ref.goalS !== undefined) {
    parts.push(`goal <= ${ref.goalS} s: ${wallS <= ref.goalS ? "met" : "NOT met"}`);
  }
  return ` (${parts.join("; ")})`;
}
