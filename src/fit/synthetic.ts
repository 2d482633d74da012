/**
 * Noise-free simulation of synthetic studies with exfit's own forward model, i.e. the fit's
 * calculators: any model and experiments ({@link simulateStudy}; the basin benchmark's CPMG and
 * CEST studies), and the ¹⁵N CPMG study (`cpmg_15n_ip`, two-state exchange with global
 * KEX_AB/PB) of the demo and the synthetic workflow studies, with their one writer of input
 * files ({@link syntheticStudyFiles}, seeded noise).
 *
 * @module
 */
import { parseModel } from "../models/model.ts";
import { addExperiment, applyDefaults, type DefaultEntry, type StudySpec } from "./study.ts";
import { compileStore, evaluateDefinitions, type ParamStore } from "../params/store.ts";
import { createCalculator, intensitiesAt } from "./evaluate.ts";
import type { ExperimentConditions } from "../experiments/types.ts";
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
  const { study, intensities } = simulateStudy({
    model: "2st",
    experiments: spec.fields.map((f) => ({
      stem: f.stem,
      name: "cpmg_15n_ip",
      settings: {
        carrier: f.carrier,
        pw90: f.pw90,
        time_t2: spec.timeT2,
        time_equil: 0,
        even_ncycs: false,
      },
      hz: f.hz,
      x: spec.ncyc,
    })),
    residues: spec.residues.map((r) => r.name),
    values: [
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
    ],
  });
  return study.profiles.map((p, k) => ({
    stem: study.experiments[p.experiment].stem,
    name: p.name,
    intensities: intensities[k],
  }));
}

/** One experiment of a {@link SyntheticStudySpec}: every residue gets a profile at `x`. */
export interface SyntheticExperiment {
  stem: string;
  /** Experiment type, e.g. "cest_15n". */
  name: string;
  /** Its settings as the experiment file's `[experiment]` table would give them. */
  settings: Record<string, unknown>;
  /** ¹H Larmor frequency in MHz. */
  hz: number;
  /** Points (ncyc, offsets in Hz, …). */
  x: number[];
  /** Sample conditions beyond the field (temperature, concentrations, labels, …). */
  conditions?: Omit<ExperimentConditions, "h_larmor_frq">;
  /** Observed states (default ["a"]). */
  observed?: string[];
  /** EXSY only: each point's start and detected state (e.g. "ab"), aligned with `x`. */
  labels?: string[];
  /** Whether profiles are scaled to the data (default true; shifts and rates are not). */
  scaled?: boolean;
}

/** Any synthetic study: model, experiments, residues and the true parameter values. */
export interface SyntheticStudySpec {
  /** Kinetic model, e.g. "2st" or "3st". */
  model: string;
  /** Model definitions of this ChemEx version (default 2026.09). */
  compat?: "2026.06" | "2026.09";
  experiments: SyntheticExperiment[];
  /** Spin-system names, e.g. "23N". */
  residues: string[];
  /** True values, applied like a parameter file (later entries win). */
  values: DefaultEntry[];
}

/**
 * Build a study in memory (data placeholders: intensity 1, σ 1) with its store at the true
 * values, and the noise-free intensities of every profile (study order: experiments outer,
 * residues inner). Callers add noise and put it in `profiles[k].exp`/`err`.
 *
 * @example
 * ```ts
 * const { study, store, intensities } = simulateStudy({
 *   model: "2st",
 *   experiments: [{ stem: "600mhz", name: "cest_15n", hz: 600,
 *     settings: { time_t1: 0.4, carrier: 118, b1_frq: 20 }, x: [-500, 0, 500] }],
 *   residues: ["2N"],
 *   values: [{ selector: "KEX_AB", value: 200 }, { selector: "DW_AB", value: 3 }],
 * });
 * ```
 */
export function simulateStudy(
  spec: SyntheticStudySpec,
): { study: StudySpec; store: ParamStore; intensities: Float64Array[] } {
  const study: StudySpec = {
    model: parseModel(spec.model, spec.compat),
    experiments: [],
    profiles: [],
  };
  const store: ParamStore = new Map();
  for (const e of spec.experiments) {
    const x = e.x.slice();
    addExperiment(
      study,
      store,
      {
        stem: e.stem,
        file: `${e.stem}.toml`,
        name: e.name,
        settings: e.settings,
        conditions: { label: [], ...e.conditions, h_larmor_frq: e.hz },
        observed: e.observed ?? ["a"],
        start: null,
        scaled: e.scaled ?? true,
      },
      spec.residues.map((name) => ({
        key: name,
        x,
        exp: x.map(() => 1),
        err: x.map(() => 1),
        mask: x.map(() => true),
        ...(e.labels ? { labels: e.labels } : {}),
      })),
    );
  }
  applyDefaults(store, spec.values);
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const intensities = study.profiles.map((p, k) => {
    const values = p.paramIds.map((id) => pv.values[pv.index.get(id)!]);
    const calc = createCalculator(study, k);
    return intensitiesAt(calc, values, calc.x, calc.labels);
  });
  return { study, store, intensities };
}

/** How a synthetic study is written as ChemEx input files (see {@link syntheticStudyFiles}). */
export interface SyntheticFilesSpec extends SyntheticCpmgSpec {
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
export function syntheticStudyFiles(spec: SyntheticFilesSpec): Map<string, string> {
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
