/**
 * Noise-free simulation of a synthetic ¹⁵N CPMG study (`cpmg_15n_ip`, two-state exchange with
 * global KEX_AB/PB) with exfit's own forward model, i.e. the fit's calculators. Used by the demo
 * and the synthetic workflow studies, and their one writer of input files (seeded noise).
 *
 * @module
 */
import { parseModel } from "../models/model.ts";
import { addExperiment, applyDefaults, type StudySpec } from "./study.ts";
import { compileStore, evaluateDefinitions, type ParamStore } from "../params/store.ts";
import { createCalculator, intensitiesAt } from "./evaluate.ts";
import { createRng, standardNormals, uniform } from "../math/random.ts";

/** One static field of a synthetic study. */
export interface SyntheticField {
  /** Experiment stem (e.g. "800mhz"). */
  stem: string;
  /** ¹H Larmor frequency in MHz. */
  hz: number;
  carrier: number;
  pw90: number;
  /** Factor on each residue's exchange-free R2 at this field (CSA grows with the field). */
  r2Scale: number;
}

/** True values of one residue. */
export interface SyntheticResidue {
  name: string;
  csA: number;
  dw: number;
  r2: number;
}

/** A synthetic cpmg_15n_ip study: fields, residues, ncyc values, T2 delay and true exchange. */
export interface SyntheticCpmgSpec {
  fields: SyntheticField[];
  residues: SyntheticResidue[];
  ncyc: number[];
  timeT2: number;
  kex: number;
  pb: number;
}

/**
 * Noise-free intensities (I/I0 scale) of every profile for the true parameters, in study order
 * (fields outer, residues inner).
 *
 * @example
 * ```ts
 * const profiles = simulateCpmg15nIp({
 *   fields: [{ stem: "800mhz", hz: 800, carrier: 118.5, pw90: 40e-6, r2Scale: 1.3 }],
 *   residues: [{ name: "2N", csA: 120, dw: 2, r2: 5 }],
 *   ncyc: [0, 1, 2, 4, 8],
 *   timeT2: 0.04,
 *   kex: 350,
 *   pb: 0.06,
 * });
 * ```
 */
export function simulateCpmg15nIp(
  spec: SyntheticCpmgSpec,
): { stem: string; name: string; intensities: Float64Array }[] {
  const study: StudySpec = { model: parseModel("2st"), experiments: [], profiles: [] };
  const store: ParamStore = new Map();
  const x = spec.ncyc.slice();
  for (const f of spec.fields) {
    addExperiment(
      study,
      store,
      {
        stem: f.stem,
        file: `${f.stem}.toml`,
        name: "cpmg_15n_ip",
        settings: {
          carrier: f.carrier,
          pw90: f.pw90,
          time_t2: spec.timeT2,
          time_equil: 0,
          even_ncycs: false,
        },
        conditions: { h_larmor_frq: f.hz, label: [] },
        observed: ["a"],
        start: null,
        scaled: true,
      },
      spec.residues.map((r) => ({
        key: r.name,
        x,
        exp: x.map(() => 1),
        err: x.map(() => 1),
        mask: x.map(() => true),
      })),
    );
  }
  applyDefaults(store, [
    { selector: "KEX_AB", value: spec.kex },
    { selector: "PB", value: spec.pb },
    { selector: "R1_A", value: 1.5 },
    ...spec.residues.flatMap((r) => [
      { selector: `CS_A, NUC->${r.name}`, value: r.csA },
      { selector: `DW_AB, NUC->${r.name}`, value: r.dw },
      ...spec.fields.map((f) => ({
        selector: `R2_A, NUC->${r.name}, B0->${f.hz}MHz`,
        value: r.r2 * f.r2Scale,
      })),
    ]),
  ]);
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  return study.profiles.map((p, k) => {
    const values = p.paramIds.map((id) => pv.values[pv.index.get(id)!]);
    const calc = createCalculator(study, k);
    return {
      stem: study.experiments[p.experiment].stem,
      name: p.name,
      intensities: intensitiesAt(calc, values, calc.x),
    };
  });
}

/** How a synthetic study is written as ChemEx input files (see {@link syntheticStudyFiles}). */
export interface SyntheticStudySpec extends SyntheticCpmgSpec {
  /** Noise as a fraction of each profile's amplitude (σ written is always 1 % of it). */
  noise: number;
  /** Seed of the amplitudes and noise (a stream of its own, drawn profile after profile). */
  noiseSeed: number;
  /** Digits of the written intensities (`%.{n}e`). */
  intensityDigits: number;
  /** `error` of the `[data]` tables. */
  error: "file" | "duplicates";
  /** Decimals of the CS_A values in parameters.toml. */
  csDecimals: number;
  /** Starting DW_AB of every residue. */
  dwStart: number;
  /** Text of Methods/method.toml. */
  method: string;
}

/**
 * The input files of a synthetic cpmg_15n_ip study (paths relative to its folder, text): one
 * experiment file and one data folder per field, parameters.toml with the starting values, and
 * the method. The one writer behind `deno task demo` and the workflow test studies.
 *
 * @example
 * ```ts
 * const files = syntheticStudyFiles({ ...spec, noise: 0.01, noiseSeed: 2, intensityDigits: 9,
 *   error: "file", csDecimals: 6, dwStart: 1.5, method: '[STEP1]\nINCLUDE = "ALL"\n' });
 * files.get("Experiments/800mhz.toml");
 * ```
 */
export function syntheticStudyFiles(spec: SyntheticStudySpec): Map<string, string> {
  const profiles = simulateCpmg15nIp(spec);
  const files = new Map<string, string>();
  const rng = createRng(spec.noiseSeed);
  const width = spec.intensityDigits + 9;
  for (const { stem, name, intensities: y } of profiles) {
    // Peak heights of ~1e5; σ is 1 % of them whatever the noise, so the χ² scale of noisy and
    // noise-free studies is alike.
    const amplitude = 8e4 + 4e4 * uniform(rng);
    const sigma = 0.01 * amplitude;
    const z = standardNormals(rng, spec.ncyc.length);
    const rows = spec.ncyc.map((ncyc, i) =>
      `${ncyc.toFixed(1).padStart(8)} ${
        (amplitude * y[i] + spec.noise * amplitude * z[i]).toExponential(spec.intensityDigits)
          .padStart(width)
      } ${sigma.toExponential(7).padStart(16)}`
    );
    files.set(
      `Data/${stem}/${name}.out`,
      `#  ncyc_cp        Intensity      Esd(Int.)\n${rows.join("\n")}\n`,
    );
  }
  for (const f of spec.fields) {
    files.set(
      `Experiments/${f.stem}.toml`,
      [
        "[experiment]",
        'name = "cpmg_15n_ip"',
        `carrier = ${f.carrier}`,
        `pw90 = ${f.pw90}`,
        `time_t2 = ${spec.timeT2}`,
        "",
        "[conditions]",
        `h_larmor_frq = ${f.hz.toFixed(1)}`,
        "",
        "[data]",
        `path = "../Data/${f.stem}/"`,
        `error = "${spec.error}"`,
        "",
        "[data.profiles]",
        ...spec.residues.map((r) => `${r.name} = "${r.name}.out"`),
        "",
      ].join("\n"),
    );
  }
  files.set(
    "Parameters/parameters.toml",
    [
      "[GLOBAL]",
      "PB = 0.1",
      "KEX_AB = 500.0",
      "R1_A = 1.5",
      "",
      "[CS_A]",
      ...spec.residues.map((r) => `${r.name} = ${r.csA.toFixed(spec.csDecimals)}`),
      "",
      "[DW_AB]",
      ...spec.residues.map((r) => `${r.name} = ${spec.dwStart.toFixed(1)}`),
      "",
    ].join("\n"),
  );
  files.set("Methods/method.toml", spec.method);
  return files;
}
