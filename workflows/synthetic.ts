/**
 * Synthetic studies for workflow tests and benchmarks: N residues of ¹⁵N CPMG at several fields
 * with global KEX_AB/PB, simulated with exfit's own forward model (the fit's calculators) and
 * optional seeded noise, written as ChemEx input files (experiments, data, parameters, method).
 *
 * @module
 */
import { join } from "../src/config/paths.ts";
import { syntheticStudyFiles } from "../src/fit/synthetic.ts";
import { createRng, uniform } from "../src/math/random.ts";

/** Options of {@link syntheticFiles}. */
export interface SyntheticOptions {
  residues: number;
  /** ¹H Larmor frequencies in MHz (default 500 and 800). */
  fields?: number[];
  /** Noise as a fraction of each profile's amplitude (default 0.01; 0 = noise-free data). */
  noise?: number;
  seed?: number;
  /** True exchange (default KEX_AB 350 s⁻¹, PB 0.06). */
  kex?: number;
  pb?: number;
}

/** True values of the simulation. */
export interface SyntheticTruth {
  kex: number;
  pb: number;
  residues: { name: string; csA: number; dw: number; r2: number }[];
}

const NCYC = [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 1, 10];
const TIME_T2_S = 0.04;

/**
 * The files of a synthetic study (paths relative to its folder) and the true values.
 *
 * @example
 * ```ts
 * const { files, truth } = syntheticFiles({ residues: 200, seed: 1 });
 * ```
 */
export function syntheticFiles(
  opts: SyntheticOptions,
): { files: Map<string, string>; truth: SyntheticTruth; experiments: string[] } {
  const seed = opts.seed ?? 1;
  const fields = opts.fields ?? [500, 800];
  const noise = opts.noise ?? 0.01;
  const kex = opts.kex ?? 350;
  const pb = opts.pb ?? 0.06;
  const rng = createRng(seed);
  // Positive shifts well away from 0: CPMG hardly sees the sign of DW, and DW = 0 is a flat
  // direction; both would make the minimum ambiguous.
  const residues = Array.from({ length: opts.residues }, (_, k) => ({
    name: `${k + 1}N`,
    csA: 108 + 22 * uniform(rng),
    dw: 0.8 + 1.7 * uniform(rng),
    r2: 4 + 4 * uniform(rng),
  }));
  const stems = fields.map((hz) => `${hz}mhz`);
  const files = syntheticStudyFiles({
    fields: fields.map((hz, f) => ({
      stem: stems[f],
      hz,
      carrier: 118.5,
      pw90: 40e-6,
      // Exchange-free R2 grows with the field (CSA).
      r2Scale: 1 + 0.5 * (hz - 500) / 500,
    })),
    residues,
    ncyc: NCYC,
    timeT2: TIME_T2_S,
    kex,
    pb,
    noise,
    noiseSeed: seed + 1,
    intensityDigits: 9,
    error: "file",
    csDecimals: 6,
    dwStart: 1.5,
    method: '[STEP1]\nINCLUDE = "ALL"\n',
  });
  return {
    files,
    truth: { kex, pb, residues },
    experiments: stems.map((s) => join("Experiments", `${s}.toml`)),
  };
}

/**
 * Write the files of a study (paths relative to `dir`, as {@link syntheticFiles} returns them).
 *
 * @example
 * ```ts
 * writeStudyFiles(Deno.makeTempDirSync(), syntheticFiles({ residues: 10 }).files);
 * ```
 */
export function writeStudyFiles(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [path, text] of files) {
    const full = join(dir, path);
    Deno.mkdirSync(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    Deno.writeTextFileSync(full, text);
  }
}

/**
 * Write a synthetic study under `dir`; returns the experiment file paths (absolute) and the
 * parameter and method files.
 *
 * @example
 * ```ts
 * const s = writeSyntheticStudy(Deno.makeTempDirSync(), { residues: 200 });
 * ```
 */
export function writeSyntheticStudy(dir: string, opts: SyntheticOptions): {
  experiments: string[];
  parameters: string;
  method: string;
  truth: SyntheticTruth;
} {
  const { files, truth, experiments } = syntheticFiles(opts);
  writeStudyFiles(dir, files);
  return {
    experiments: experiments.map((e) => join(dir, e)),
    parameters: join(dir, "Parameters", "parameters.toml"),
    method: join(dir, "Methods", "method.toml"),
    truth,
  };
}
