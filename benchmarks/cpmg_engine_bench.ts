/**
 * The CPMG engine on the three profile kinds the speed goals hinge on: µs per profile
 * evaluation (`intensitiesAt` at the profile's own x) of `cpmg_hn_dq_zq` (30×30 Liouvillian),
 * `cpmg_ch3_1h_sq` (12×12) and `cpmg_15n_ip` (6×6), each on the first profile of its ChemEx
 * simulate fixture (`../shared/refdata/simulate`).
 *
 * Two figures per type:
 * - `eval`: the same parameters every call (residuals at one point);
 * - `fd sweep`: the unperturbed point, then one call per local value that moves the intensities,
 *   nudged by a relative 1e-8 as forward differences do (a Jacobian's column sweep), per call.
 *
 * and a row `cpmg_hn_dq_zq pair`: the first DQ profile and its ZQ partner built as a fit's chunk
 * builds them (one shared store, `SequenceContext.shared`), evaluated one after the other at
 * each point (`eval`: two points in turn), per profile.
 *
 * Each type runs in a process of its own (shared kernels are compiled for what they see
 * first); medians of the CPU time of batches. Under a minute in all.
 *
 * Run with `deno run -A benchmarks/cpmg_engine_bench.ts [type…]`.
 *
 * @module
 */
import process from "node:process";
import { createCalculator, intensitiesAt, type ProfileCalculator } from "../src/fit/evaluate.ts";
import { compileStore, evaluateDefinitions } from "../src/params/store.ts";
import { loadReferenceStudy } from "../tests/_reference_study.ts";
import { REFDATA } from "../tests/_refdata.ts";
import { fixtureFolders, loadFirstProfile } from "./experiments_bench.ts";
import { childJson, median } from "./_timing.ts";

const TYPES = ["cpmg_hn_dq_zq", "cpmg_ch3_1h_sq", "cpmg_15n_ip"];

/** Seconds of timing per figure (after warm-up). */
const BUDGET_S = 1.5;

/**
 * Median CPU time (s, user + system, this process) of one call of `fn`, over batches of about
 * 20 ms: on a shared machine the CPU time of a single-threaded loop moves much less with load
 * than its wall time.
 */
function timeCalls(fn: () => void): number {
  const warm = performance.now() + 300;
  let reps = 0;
  do {
    fn();
    reps++;
  } while (performance.now() < warm);
  const batch = Math.max(1, Math.round(reps / 15));
  const out: number[] = [];
  const end = performance.now() + BUDGET_S * 1000;
  while (out.length < 5 || performance.now() < end) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < batch; i++) fn();
    const dt = process.cpuUsage(t0);
    out.push((dt.user + dt.system) / 1e6 / batch);
  }
  return median(out);
}

/**
 * The points of a forward-difference Jacobian: `values`, then each local value that changes the
 * intensities (as a free parameter does) nudged by a relative 1e-8.
 */
function fdSweep(calc: ProfileCalculator, values: Float64Array, x: Float64Array): Float64Array[] {
  const base = intensitiesAt(calc, values, x);
  const out = [values];
  for (let k = 0; k < values.length; k++) {
    const v = Float64Array.from(values);
    v[k] += 1e-8 * Math.max(1, Math.abs(v[k]));
    const moved = intensitiesAt(calc, v, x);
    if (moved.some((y, i) => y !== base[i])) out.push(v);
  }
  return out;
}

interface Row {
  type: string;
  size: number;
  points: number;
  evalUs: number;
  sweepUs: number;
}

function benchType(type: string, folder: string): Row {
  const { calc, values } = loadFirstProfile(type, folder);
  const x = calc.x;
  const evalS = timeCalls(() => intensitiesAt(calc, values, x));
  // Forward-difference sweep: each local value with a non-zero value nudged in turn.
  const sweep = fdSweep(calc, values, x);
  const sweepS = timeCalls(() => {
    for (const v of sweep) intensitiesAt(calc, v, x);
  }) / sweep.length;
  return {
    type,
    size: calc.spectrometer.size,
    points: x.length,
    evalUs: evalS * 1e6,
    sweepUs: sweepS * 1e6,
  };
}

/** {@link benchType}'s figures for a DQ profile and its ZQ partner sharing one store. */
function benchPair(folder: string): Row {
  const { study, store } = loadReferenceStudy(`${REFDATA}/simulate/${folder}`);
  const pv = compileStore(store);
  evaluateDefinitions(pv);
  const dq = study.profiles[0];
  const hz = (k: number) => study.experiments[study.profiles[k].experiment].conditions.h_larmor_frq;
  const zq = study.profiles.findIndex((p, k) => k > 0 && p.name === dq.name && hz(k) === hz(0));
  const shared = new Map<string, unknown>();
  const calcs = [0, zq].map((k) => createCalculator(study, k, shared));
  const values = Float64Array.from(dq.paramIds.map((id) => pv.values[pv.index.get(id)!]));
  const x = calcs[0].x;
  const sweep = fdSweep(createCalculator(study, 0), values, x);
  // Two points in turn, so that every pair starts from new inputs as in a fit.
  const evalS = timeCalls(() => {
    for (const v of sweep.slice(0, 2)) for (const c of calcs) intensitiesAt(c, v, x);
  }) / 4;
  const sweepS = timeCalls(() => {
    for (const v of sweep) for (const c of calcs) intensitiesAt(c, v, x);
  }) / (2 * sweep.length);
  return {
    type: "cpmg_hn_dq_zq pair",
    size: calcs[0].spectrometer.size,
    points: x.length,
    evalUs: evalS * 1e6,
    sweepUs: sweepS * 1e6,
  };
}

if (import.meta.main && Deno.args[0] === "--child") {
  const row = Deno.args[1] === "pair"
    ? benchPair(Deno.args[2])
    : benchType(Deno.args[1], Deno.args[2]);
  console.log(JSON.stringify(row));
} else if (import.meta.main) {
  const wanted = Deno.args.length > 0 ? Deno.args : [...TYPES, "pair"];
  const folders = fixtureFolders();
  folders.set("pair", folders.get("cpmg_hn_dq_zq") ?? "");
  console.log(
    `${"type".padEnd(20)} ${"N".padStart(3)} ${"pts".padStart(4)} ` +
      `${"eval µs".padStart(9)} ${"fd sweep µs/call".padStart(17)}`,
  );
  for (const type of wanted) {
    const folder = folders.get(type);
    if (!folder || REFDATA === null) {
      console.log(`${type.padEnd(20)} (no simulate fixture under ../shared/refdata; skipped)`);
      continue;
    }
    const r = await childJson<Row>(import.meta.url, [type, folder], `benchmark of ${type}`);
    console.log(
      `${r.type.padEnd(20)} ${String(r.size).padStart(3)} ${String(r.points).padStart(4)} ` +
        `${r.evalUs.toFixed(1).padStart(9)} ${r.sweepUs.toFixed(1).padStart(17)}`,
    );
  }
}
