/**
 * A study as plain, serializable data: experiments, profiles (data, mask, the parameter ids
 * each local name maps to) and the parameter store. Built once from the files; everything
 * downstream (evaluation, fitting, chunks sent to workers or functions) reads only this.
 *
 * @module
 */
import type { JacobianMode } from "./jacobian.ts";
import type { ExperimentConditions } from "../experiments/types.ts";
import { EXPERIMENTS } from "../experiments/registry.ts";
import { createBasis } from "../nmr/basis.ts";
import { kineticModel, type ModelSpec } from "../models/model.ts";
import { applyModelFree } from "../models/model_free.ts";
import { allSpinSettings, selectRelevant } from "../models/spins.ts";
import type { LocalSettings, SpinPart } from "../params/settings.ts";
import {
  correctNuclei,
  formatSpinSystem,
  isEmptySpinSystem,
  type Nucleus,
  parseSpinSystem,
  type SpinSystem,
  subSystem,
} from "../params/spin_system.ts";
import {
  composeParamName,
  type Conditions,
  formatConditions,
  makeParamName,
  parseParamName,
  roundConditions,
  selectorMatches,
} from "../params/name.ts";
import { addParam, type ParamStore } from "../params/store.ts";
import { entriesByName, selectorCandidates } from "../params/selector_index.ts";
import { modelFreeRates, RATE_NAMES } from "../nmr/rates.ts";

/** One experiment (file) of a study. */
export interface ExperimentSpec {
  /** Output stem, e.g. "800mhz". */
  stem: string;
  file: string;
  name: string;
  settings: Record<string, unknown>;
  conditions: ExperimentConditions;
  observed: string[];
  start: string[] | null;
  scaled: boolean;
}

/** One profile: data plus how its local parameters map to the store. */
export interface ProfileSpec {
  experiment: number;
  /** Canonical spin-system name after nucleus correction, e.g. "15N". */
  name: string;
  x: number[];
  exp: number[];
  err: number[];
  /** Points used in the fit. */
  mask: boolean[];
  localNames: string[];
  paramIds: string[];
  /** EXSY only: start and detected state of each point, e.g. "ab" (aligned with x). */
  labels?: string[];
}

/** Everything needed to evaluate profiles: no functions, no I/O handles. */
export interface StudySpec {
  model: ModelSpec;
  experiments: ExperimentSpec[];
  profiles: ProfileSpec[];
  /** How fits compute Jacobians (`--jacobian`; default "exact", see `jacobian.ts`). */
  jacobian?: JacobianMode;
  /**
   * Method rules of ChemEx 2026.06.1 (`--compat 2026.06`: constraint references resolved by
   * similarity); absent for the 2026.09 rules, so the default study (and its hash) is unchanged.
   */
  methodRules?: "2026.06";
}

const PAIR_NUCLEI: Record<string, { i: Nucleus; s: Nucleus }> = {
  nh: { i: "15N", s: "1H" },
  hn: { i: "1H", s: "15N" },
  ch: { i: "13C", s: "1H" },
  hc: { i: "1H", s: "13C" },
  cn: { i: "13C", s: "15N" },
};

/** I/S nuclei of a basis: S only when the basis has S-spin components. */
export function basisNuclei(basisType: string, pair: string): { i?: Nucleus; s?: Nucleus } {
  const n = PAIR_NUCLEI[pair];
  if (!n) return {};
  return basisType.includes("s") ? { i: n.i, s: n.s } : { i: n.i };
}

/** Raw profile input to {@link addExperiment}. */
export interface ProfileInput {
  key: string;
  x: ArrayLike<number>;
  exp: ArrayLike<number>;
  err: ArrayLike<number>;
  mask: boolean[];
  /** EXSY only: per-point start and detected states ("ab"). */
  labels?: string[];
}

function conditionsOf(c: ExperimentConditions, keys: readonly string[]): Conditions {
  const out: Conditions = {};
  for (const k of keys) {
    const v = (c as unknown as Record<string, unknown>)[k];
    if (typeof v === "number") (out as Record<string, number>)[k] = v;
  }
  return out;
}

/** Local settings of a profile of an experiment (before nucleus-specific naming). */
export function profileSettings(exp: ExperimentSpec, model: ModelSpec): LocalSettings {
  const module = EXPERIMENTS[exp.name];
  const choice = module.basis(exp.settings);
  const basis = createBasis(choice.type, model.states);
  const kinetic = kineticModel(model).settings(exp.conditions);
  const spins = allSpinSettings({
    model,
    pair: choice.pair,
    extension: choice.extension ?? "",
    temperature: exp.conditions.temperature,
  });
  if (model.modelFree) {
    applyModelFree(spins, {
      pair: choice.pair,
      deuterated: exp.conditions.label.includes("2H"),
      hLarmorFrq: exp.conditions.h_larmor_frq,
      states: model.states,
    });
  }
  const all = { ...kinetic, ...spins };
  const required = new Set([...basis.terms.keys(), ...model.states.map((s) => `p${s}`)]);
  const relevant = selectRelevant(all, required);
  // Copy before marking what this experiment fits, so shared defaults stay untouched.
  const out: LocalSettings = {};
  for (const [k, v] of Object.entries(relevant)) out[k] = { ...v };
  const fitted = module.toBeFitted(exp.observed[0], exp.settings);
  for (const name of model.modelFree ? fitted.modelFree : fitted.rates) {
    for (const k of Object.keys(out)) {
      if (k.startsWith(name)) {
        // `.tc`, newest form: CS_A = CS0_A + CS1_A·dT, so the role goes to CS0_A and CS1_A.
        const tc = [k.replace(/^cs_/, "cs0_"), k.replace(/^cs_/, "cs1_")];
        if (k.startsWith("cs_") && tc.every((t) => t in out)) {
          for (const t of tc) out[t].vary = true;
          continue;
        }
        out[k].vary = true;
        out[k].expr = "";
      }
    }
  }
  return out;
}

/**
 * Add one experiment's profiles to a study and register their parameters in the store.
 *
 * @example
 * ```ts
 * addExperiment(study, store, experiment, profiles);
 * ```
 */
export function addExperiment(
  study: StudySpec,
  store: ParamStore,
  exp: ExperimentSpec,
  profiles: ProfileInput[],
): void {
  const module = EXPERIMENTS[exp.name];
  const choice = module.basis(exp.settings);
  const nuclei = basisNuclei(choice.type, choice.pair);
  const settings = profileSettings(exp, study.model);
  const expIndex = study.experiments.push(exp) - 1;
  const localNames = Object.keys(settings);
  // Names are composed from parts formatted once per experiment (each setting's name and
  // conditions) and once per profile (its spin parts): formatting every setting of every profile
  // in full was most of loading a study. A parameter's own name objects are made only when it is
  // new.
  const conds = localNames.map((name) => conditionsOf(exp.conditions, settings[name].conds));
  const upper = localNames.map((name) => settings[name].name.trim().toUpperCase());
  const condText = conds.map((c) => formatConditions(roundConditions(c)));
  for (const p of profiles) {
    const spin = correctNuclei(parseSpinSystem(p.key), nuclei);
    const spinTexts = new Map<string, string | null>();
    const spinText = (part: SpinPart): string | null => {
      let text = spinTexts.get(part);
      if (text === undefined) {
        const sub = subSystem(spin, part);
        text = isEmptySpinSystem(sub) ? null : formatSpinSystem(sub);
        spinTexts.set(part, text);
      }
      return text;
    };
    const fresh: boolean[] = [];
    const paramIds = localNames.map((name, k) => {
      const st = settings[name];
      // `.rs` is already applied to the kinetic settings by kineticModel().
      const id = composeParamName(upper[k], spinText(st.part), condText[k]);
      const isNew = !store.has(id);
      fresh.push(isNew);
      if (isNew) {
        const pname = makeParamName(st.name, subSystem(spin, st.part), conds[k]);
        addParam(store, pname, {
          value: st.value,
          min: st.min,
          max: st.max,
          vary: st.vary,
          expr: "",
        }, id);
      }
      return id;
    });
    const idOf = new Map(localNames.map((n, k) => [n, paramIds[k]]));
    localNames.forEach((name, k) => {
      const st = settings[name];
      const param = store.get(paramIds[k])!;
      if (fresh[k]) {
        param.expr = st.expr.replace(
          /\{([a-zA-Z0-9_]+)\}/g,
          (_m, ref: string) => `[${idOf.get(ref)}]`,
        );
      } else if (st.vary && st.expr === "") {
        // Fitted by this experiment: independent, whatever another experiment tied it to.
        param.vary = true;
        param.expr = "";
      }
    });
    study.profiles.push({
      experiment: expIndex,
      name: formatSpinSystem(spin),
      x: Array.from(p.x),
      exp: Array.from(p.exp),
      err: Array.from(p.err),
      mask: p.mask,
      localNames,
      paramIds,
      ...(p.labels ? { labels: [...p.labels] } : {}),
    });
  }
}

/** A user default: a selector and what it sets. */
export interface DefaultEntry {
  selector: string;
  value: number;
  min?: number;
  max?: number;
}

/**
 * Seed relaxation-rate starting values from the model-free rates (ChemEx computes default
 * R1/R2/… from TAUC/S2/KHH, defaults 4 ns, 0.9, 0), before users' values are applied.
 */
export function seedModelFree(
  study: StudySpec,
  store: ParamStore,
  entries: readonly DefaultEntry[],
): void {
  const parsed = entries.map((e) => ({ sel: parseParamName(e.selector), value: e.value }));
  const forName = entriesByName(parsed, (e) => e.sel);
  const userValue = (name: string, spin: SpinSystem, cond: Conditions, fallback: number) => {
    const target = makeParamName(name, spin, cond);
    let v = fallback;
    for (const e of forName(name)) if (selectorMatches(e.sel, target, "attributes")) v = e.value;
    return v;
  };
  for (const prof of study.profiles) {
    const exp = study.experiments[prof.experiment];
    const module = EXPERIMENTS[exp.name];
    const choice = module.basis(exp.settings);
    if (!exp.conditions.h_larmor_frq || !choice.pair) continue;
    const kind = choice.pair + (exp.conditions.label.includes("2H") ? "_d" : "");
    const spin = parseSpinSystem(prof.name);
    const group = subSystem(spin, "g");
    const tcond = conditionsOf(exp.conditions, ["temperature"]);
    // Minor-state TAUC/S2/KHH default to the state-A values (ChemEx ties them to A).
    const tauA = userValue("TAUC_A", group, tcond, 4.0);
    const s2A = userValue("S2_A", group, tcond, 0.9);
    const khhA = userValue("KHH_A", group, tcond, 0.0);
    for (const s of study.model.states) {
      const S = s.toUpperCase();
      let rates;
      try {
        rates = modelFreeRates(
          kind,
          exp.conditions.h_larmor_frq,
          userValue(`TAUC_${S}`, group, tcond, tauA),
          userValue(`S2_${S}`, group, tcond, s2A),
          userValue(`KHH_${S}`, group, tcond, khhA),
        );
      } catch {
        continue;
      }
      for (const r of RATE_NAMES) {
        const k = prof.localNames.indexOf(`${r}_${s}`);
        if (k >= 0) store.get(prof.paramIds[k])!.value = rates[r];
      }
    }
  }
}

/**
 * Apply users' parameter-file entries in order: the last entry selecting a parameter sets its
 * value (and bounds when given) and makes it independent of any built-in definition.
 */
export function applyDefaults(store: ParamStore, entries: readonly DefaultEntry[]): void {
  const candidates = selectorCandidates(store);
  for (const e of entries) {
    const sel = parseParamName(e.selector);
    for (const p of candidates(sel)) {
      if (!selectorMatches(sel, p.pname, "attributes")) continue;
      p.value = e.value;
      if (e.min !== undefined) p.min = e.min;
      if (e.max !== undefined) p.max = e.max;
      p.expr = "";
    }
  }
}

/** Spin system of a profile for matching INCLUDE/EXCLUDE patterns. */
export function profileSpin(p: ProfileSpec): SpinSystem {
  return parseSpinSystem(p.name);
}

/** Calculated (scaled) intensities of a profile at its data points. */
export interface ProfileCalc {
  profile: number;
  calc: Float64Array;
}
