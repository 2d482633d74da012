/**
 * Cost of one residual evaluation plus one Jacobian of a fit group, exact derivatives against
 * forward differences (alternated rounds, median CPU time per call in one process), on refdata
 * fixtures: families with exact derivatives (relaxation, CEST, IP/AP ¹H CEST, D-CEST, COS-CEST,
 * and a CPMG group, exact everywhere although the default fit differences it), with the largest
 * difference between the two Jacobians relative to the column norm. Then the exact CPMG pass of
 * one profile per benchmarked type in evaluations of that profile (what `jacobianCost` is set
 * from).
 *
 * Run: deno run -A benchmarks/jacobian_bench.ts [label part, e.g. dcest]
 *
 * @module
 */
import { fromFileUrl } from "./_paths.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { createChunkEvaluator, makeChunk } from "../src/fit/chunk.ts";
import { createGroupProblem, subStore } from "../src/fit/problem.ts";
import type { JacobianMode } from "../src/fit/jacobian.ts";
import { median } from "./_timing.ts";
import { createCalculator } from "../src/fit/evaluate.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import process from "node:process";

/** Calls per timed round (CPU clocks tick coarsely). */
const REPEATS = 40;

/** CPU time of this process (user + system), ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const REFDATA = fromFileUrl(new URL("../../shared/refdata", import.meta.url));

interface Case {
  label: string;
  folder: string;
  experiments: string[];
  model?: string;
  /** Profiles of the group (indices in the loaded study). */
  picks: number[];
  /** Free parameter ids beyond the default vary flags: the kinetic ones. */
  free: string[];
  /** Calls per timed round, when fewer than {@link REPEATS} suffice (slow sequences). */
  repeats?: number;
}

const CASES: Case[] = [
  {
    label: "relaxation_nz, 3 profiles, KEX+PB+R1s free",
    folder: "simulate/RELAXATION_NZ",
    experiments: ["800mhz.toml"],
    picks: [0, 1, 2],
    free: ["KEX_AB", "PB"],
  },
  {
    label: "relaxation_hznz, 2 profiles, KEX+PB+rates free",
    folder: "simulate/RELAXATION_HZNZ",
    experiments: ["800mhz.toml"],
    picks: [0, 1],
    free: ["KEX_AB", "PB"],
  },
  {
    label: "cest_15n (dephasing), 2 profiles, KEX+PB free",
    folder: "fit/CEST_15N",
    experiments: ["13hz.toml", "26hz.toml"],
    picks: [0, 1],
    free: ["KEX_AB", "PB"],
  },
  {
    label: "cest_1hn_ip_ap, 1 residue, KEX+PB free",
    folder: "inputs/chemex-examples/Experiments/CEST_1HN_IP_AP",
    experiments: ["30hz.toml"],
    picks: [0],
    free: ["KEX_AB", "PB"],
    repeats: 4,
  },
  {
    label: "dcest_15n, 1 residue at 2 B1 fields, KEX+PB free",
    folder: "inputs/fit/DCEST_15N",
    experiments: ["700hz.toml", "800hz.toml"],
    picks: [0, 1],
    free: ["KEX_AB", "PB"],
    repeats: 2,
  },
  {
    label: "coscest_1hn_ip_ap, 1 residue, KEX+PB free",
    folder: "inputs/chemex-examples/Experiments/COSCEST_1HN_IP_AP",
    experiments: ["1200hz.toml"],
    picks: [0],
    free: ["KEX_AB", "PB"],
    repeats: 2,
  },
  {
    label: "cpmg_15n_ip, 1 residue at 2 fields (forward differences by default: jacobianCost)",
    folder: "fit/CPMG_15N_IP",
    experiments: ["500mhz.toml", "800mhz.toml"],
    picks: [0, 54],
    free: [],
  },
];

function setup(c: Case) {
  const dir = `${REFDATA}/${c.folder}`;
  const { study, store } = loadStudy({
    experiments: c.experiments.map((e) => `${dir}/Experiments/${e}`),
    parameters: [`${dir}/Parameters/parameters.toml`],
    model: parseModel(c.model ?? "2st"),
  });
  const picks = c.picks.filter((k) => k < study.profiles.length);
  const sub = subStore(store, picks.flatMap((k) => study.profiles[k].paramIds));
  for (const id of c.free) {
    const p = sub.get(id);
    if (p) {
      p.vary = true;
      p.expr = "";
      if (p.value === 0) p.value = id === "PB" ? 0.05 : 200;
    }
  }
  const ev = createChunkEvaluator(makeChunk(study, picks));
  // The exact path even where `jacobianCost` would send the default fit to differences.
  return (mode: JacobianMode) => createGroupProblem(sub, ev, { jacobian: mode, everyExact: true });
}

function timeOne(
  make: (m: JacobianMode) => ReturnType<ReturnType<typeof setup>>,
  repeats = REPEATS,
) {
  const p = make("forward");
  const x = p.x0;
  const f = p.residuals(x);
  const n = p.free.length;
  const je = make("exact").jacobian(x, f);
  const jf = p.jacobian(x, f);
  // Columns that are zero analytically (kex when the states relax alike) hold only the
  // differences' noise: measure against 1e-3 of the largest entry there.
  let jmax = 0;
  for (const v of je) jmax = Math.max(jmax, Math.abs(v));
  let worst = 0;
  for (let j = 0; j < n; j++) {
    let norm = 0;
    let diff = 0;
    for (let i = 0; i < p.m; i++) {
      norm = Math.max(norm, Math.abs(je[i * n + j]));
      diff = Math.max(diff, Math.abs(je[i * n + j] - jf[i * n + j]));
    }
    worst = Math.max(worst, diff / Math.max(norm, 1e-3 * jmax));
  }
  const times: Record<JacobianMode, number[]> = { exact: [], forward: [], central: [] };
  const evals: Record<string, number> = {};
  const problems = { exact: make("exact"), forward: make("forward") };
  // Warm up both, then alternate.
  for (const mode of ["exact", "forward"] as const) {
    for (let r = 0; r < Math.min(5, repeats); r++) {
      problems[mode].jacobian(x, problems[mode].residuals(x));
    }
  }
  for (let round = 0; round < 9; round++) {
    for (const mode of ["exact", "forward"] as const) {
      const q = problems[mode];
      const e0 = q.evaluations();
      // CPU time, not wall: the machine is shared.
      const c0 = cpuMs();
      for (let r = 0; r < repeats; r++) q.jacobian(x, q.residuals(x));
      times[mode].push((cpuMs() - c0) / repeats);
      evals[mode] = (q.evaluations() - e0) / repeats;
    }
  }
  return { n, m: p.m, worst, times, evals };
}

/** CPMG profiles whose exact derivatives (the adjoint pass) are timed against evaluations. */
const CPMG_CASES: { label: string; folder: string; experiments: string[] }[] = [
  { label: "cpmg_15n_ip (n 6)", folder: "fit/CPMG_15N_IP", experiments: ["500mhz.toml"] },
  {
    label: "cpmg_15n_tr (n 12)",
    folder: "simulate/CPMG_15N_TR",
    experiments: ["500mhz.toml"],
  },
  {
    label: "cpmg_ch3_1h_sq (n 12, methyl example)",
    folder: "inputs/fit/CPMG_CH3_1H_SQ",
    experiments: ["600mhz.toml"],
  },
  {
    label: "cpmg_hn_dq_zq (n 30)",
    folder: "inputs/chemex-examples/Experiments/CPMG_HN_DQ_ZQ",
    experiments: ["600mhz_dq.toml"],
  },
  {
    label: "cpmg_ch3_1h_tq (n 12)",
    folder: "simulate/CPMG_CH3_1H_TQ",
    experiments: ["600mhz.toml"],
  },
];

/**
 * CPU time of one exact derivative pass of a CPMG profile (`Sequence.jacobian`, values
 * included) in evaluations of the same profile, alternated: forward differences cost one
 * evaluation per free parameter reaching the profile, so the exact pass pays off only above
 * that many.
 */
function timeCpmg(c: (typeof CPMG_CASES)[number]): { evals: number; evalMs: number } | null {
  const dir = `${REFDATA}/${c.folder}`;
  const exps = c.experiments.map((e) => `${dir}/Experiments/${e}`);
  let loaded;
  try {
    loaded = loadStudy({
      experiments: exps,
      parameters: [`${dir}/Parameters/parameters.toml`],
      model: parseModel("2st"),
    });
  } catch {
    return null;
  }
  const { study, store } = loaded;
  const calc = createCalculator(study, 0);
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const values = study.profiles[0].paramIds.map((id) => pv.values[pv.index.get(id)!]);
  calc.spectrometer.update(values);
  const seq = calc.sequence;
  if (!seq.jacobian) return null;
  const x = calc.xFit;
  // Warm up, and size the rounds to about 30 ms each (the CPU clock ticks coarsely).
  const perCall = (f: () => unknown) => {
    const t0 = cpuMs();
    for (let r = 0; r < 5; r++) f();
    return Math.max(cpuMs() - t0, 1e-3) / 5;
  };
  perCall(() => seq.jacobian!(x));
  const repsE = Math.max(1, Math.round(30 / perCall(() => seq(x))));
  const repsJ = Math.max(1, Math.round(30 / perCall(() => seq.jacobian!(x))));
  let c0 = 0;
  const te: number[] = [];
  const tj: number[] = [];
  for (let round = 0; round < 7; round++) {
    c0 = cpuMs();
    for (let r = 0; r < repsE; r++) seq(x);
    te.push((cpuMs() - c0) / repsE);
    c0 = cpuMs();
    for (let r = 0; r < repsJ; r++) seq.jacobian(x);
    tj.push((cpuMs() - c0) / repsJ);
  }
  return { evals: median(tj) / median(te), evalMs: median(te) };
}

if (import.meta.main) {
  console.log("== residuals + Jacobian of one fit group: exact vs forward differences ==");
  // An argument keeps only the cases whose label contains it (e.g. "dcest").
  const only = Deno.args[0];
  for (const c of CASES.filter((c) => !only || c.label.includes(only))) {
    try {
      Deno.statSync(`${REFDATA}/${c.folder}`);
    } catch {
      console.log(`${c.label}: skipped (../shared/refdata absent)`);
      continue;
    }
    const r = timeOne(setup(c), c.repeats);
    const te = median(r.times.exact);
    const tf = median(r.times.forward);
    console.log(
      `${c.label}: ${r.n} free, ${r.m} points | exact ${te.toFixed(3)} ms ` +
        `(${r.evals.exact} profile evaluations) | forward ${tf.toFixed(3)} ms ` +
        `(${r.evals.forward}) | exact/forward ${(te / tf).toFixed(2)} | ` +
        `max |J_exact − J_fd| / column norm ${r.worst.toExponential(1)}`,
    );
  }
}
if (import.meta.main) {
  console.log(
    "== CPMG exact derivatives (adjoint pass, values included) in profile evaluations ==",
  );
  for (const c of CPMG_CASES) {
    const r = timeCpmg(c);
    if (!r) {
      console.log(`${c.label}: skipped (../shared/refdata absent)`);
      continue;
    }
    console.log(
      `${c.label}: one evaluation ${r.evalMs.toFixed(3)} ms | exact pass ${r.evals.toFixed(1)} ` +
        `evaluations (forward differences: 1 per free parameter reaching the profile, plus the ` +
        `residuals' own)`,
    );
  }
}
