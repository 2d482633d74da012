/**
 * `pick_cest` data and files: the CEST profiles of a study as I/I0 against ppm, and ChemEx's
 * `cs_a.toml` / `dw_ab.toml` from the picked dips (chemex-compat 8.9).
 *
 * @module
 */
import type { StudySpec } from "../fit/study.ts";
import { EXPERIMENTS } from "../experiments/registry.ts";
import { cestAxisOf } from "../run/cest_plots.ts";
import { cestPlotData } from "../plot/cest.ts";

/** One profile to pick on. */
export interface PickProfile {
  /** Spin-system name, upper case (the key written to the files). */
  name: string;
  experiment: string;
  points: { ppm: number; ratio: number }[];
}

/**
 * The offset-type (CEST, D-CEST, COS-CEST) profiles of a study, references dropped, I/I0 with I0
 * the mean reference intensity. Throws when the study has none.
 *
 * @example
 * ```ts
 * const profiles = pickProfiles(loadStudy({ ... }).study);
 * ```
 */
export function pickProfiles(study: StudySpec): PickProfile[] {
  const out: PickProfile[] = [];
  study.profiles.forEach((p, k) => {
    const exp = study.experiments[p.experiment];
    if (EXPERIMENTS[exp.name].xKind !== "offset") return;
    const exp64 = Float64Array.from(p.exp);
    const data = cestPlotData({
      name: p.name,
      offsetsHz: Float64Array.from(p.x),
      exp: exp64,
      err: Float64Array.from(p.err),
      calc: exp64,
      used: p.mask,
      curveOffsetsHz: new Float64Array(0),
      curveCalc: new Float64Array(0),
      statesPpm: [],
      ...cestAxisOf(study, k),
    });
    out.push({
      name: p.name.toUpperCase(),
      experiment: exp.stem,
      points: data.points
        .filter((q) => Number.isFinite(q.ppm) && Number.isFinite(q.ratioExp))
        .map((q) => ({ ppm: q.ppm, ratio: q.ratioExp })),
    });
  });
  if (out.length === 0) {
    const names = [...new Set(study.experiments.map((e) => e.name))].join(", ");
    throw new Error(`pick_cest needs CEST experiments; these files hold ${names || "none"}`);
  }
  return out;
}

/** Picks of one profile: the major dip, then optionally the minor one (ppm). */
export type Pick = [number] | [number, number];

function line(name: string, value: number): string {
  return `${name.padEnd(10)} = ${value.toFixed(3).padStart(8)}`;
}

/**
 * `cs_a.toml` and `dw_ab.toml` texts from picks per profile index: CS_A = major position,
 * DW_AB = minor − major. A spin picked in several profiles keeps the picks of the last profile
 * (in study order) that has them; sections without any line are written empty.
 *
 * @example
 * ```ts
 * pickFiles([{ name: "G23N", experiment: "a", points: [] }], new Map([[0, [118.2, 120.5]]]));
 * // { "cs_a.toml": "[CS_A]\nG23N       =  118.200\n", "dw_ab.toml": "[DW_AB]\nG23N       =    2.300\n" }
 * ```
 */
export function pickFiles(
  profiles: PickProfile[],
  picks: ReadonlyMap<number, Pick>,
): { "cs_a.toml": string; "dw_ab.toml": string } {
  const cs = new Map<string, number>();
  const dw = new Map<string, number>();
  profiles.forEach((p, k) => {
    const pick = picks.get(k);
    if (!pick) return;
    cs.set(p.name, pick[0]);
    if (pick.length === 2) dw.set(p.name, pick[1] - pick[0]);
    else dw.delete(p.name);
  });
  const text = (section: string, values: Map<string, number>) =>
    [`[${section}]`, ...[...values].map(([n, v]) => line(n, v))].join("\n") + "\n";
  return { "cs_a.toml": text("CS_A", cs), "dw_ab.toml": text("DW_AB", dw) };
}

/**
 * Validate a `/picks` request body: `{ picks: { "<profile index>": [major] | [major, minor] } }`.
 *
 * @example
 * ```ts
 * parsePicks({ picks: { "0": [118.2] } }, 3).get(0); // [118.2]
 * ```
 */
export function parsePicks(body: unknown, count: number): Map<number, Pick> {
  const picks = (body as { picks?: unknown })?.picks;
  if (typeof picks !== "object" || picks === null || Array.isArray(picks)) {
    throw new Error('expected {"picks": {"<profile index>": [major, minor?]}}');
  }
  const out = new Map<number, Pick>();
  for (const [key, value] of Object.entries(picks)) {
    const k = Number(key);
    if (!Number.isInteger(k) || k < 0 || k >= count) throw new Error(`no profile ${key}`);
    if (
      !Array.isArray(value) || value.length < 1 || value.length > 2 ||
      !value.every((v) => typeof v === "number" && Number.isFinite(v))
    ) {
      throw new Error(`profile ${key}: expected one or two finite ppm values`);
    }
    out.set(k, value as Pick);
  }
  return out;
}
