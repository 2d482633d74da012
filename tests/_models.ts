/**
 * Helpers for the kinetic-model tests: evaluate a model's local settings for given values of
 * its independent parameters, and draw random valid values.
 *
 * @module
 */
import { compileExpression } from "../src/params/expr.ts";
import { dependencies, type LocalSettings } from "../src/params/settings.ts";

/** Values of every local setting: independent ones from `values` (or their defaults). */
export function evaluateSettings(
  settings: LocalSettings,
  values: Record<string, number> = {},
): Record<string, number> {
  const out: Record<string, number> = {};
  const visiting = new Set<string>();
  const visit = (name: string): number => {
    if (name in out) return out[name];
    const st = settings[name];
    if (!st) throw new Error(`setting "${name}" is referenced but not defined`);
    if (visiting.has(name)) throw new Error(`circular definition through "${name}"`);
    visiting.add(name);
    let v: number;
    if (st.expr === "") v = name in values ? values[name] : st.value;
    else {
      const fn = compileExpression(st.expr, "braces");
      v = fn.evaluate(fn.refs.map(visit));
    }
    visiting.delete(name);
    out[name] = v;
    return v;
  };
  for (const name of Object.keys(settings)) visit(name);
  return out;
}

/** Every local name a setting's definition depends on is defined. */
export function undefinedReferences(settings: LocalSettings): string[] {
  return Object.entries(settings).flatMap(([name, st]) =>
    dependencies(st.expr).filter((d) => !(d in settings)).map((d) => `${name} -> ${d}`)
  );
}

/** A small deterministic generator (mulberry32) so failures can be replayed from the seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const logUniform = (r: () => number, lo: number, hi: number) =>
  Math.exp(Math.log(lo) + r() * (Math.log(hi) - Math.log(lo)));

/**
 * A random valid value for an independent kinetic parameter, by NAME; throws for a name the
 * tests do not know (so a new parameter cannot go untested).
 */
export function randomValue(name: string, r: () => number): number {
  if (/^P[B-F]$/.test(name)) return 0.005 + 0.15 * r();
  if (name === "POP_B") return 0.01 + 0.49 * r();
  if (/^KEX_/.test(name)) return logUniform(r, 10, 5000);
  if (/^KD(1|2|_AB|_AC|_APP)?$/.test(name)) return logUniform(r, 1e-7, 1e-2);
  if (/^KOFF/.test(name)) return logUniform(r, 10, 3000);
  if (/^KEQ/.test(name)) return logUniform(r, 0.05, 20);
  if (/^KDH/.test(name)) return logUniform(r, 0.1, 100);
  if (/^PHI/.test(name)) return 0.75 + 0.75 * r();
  if (/^K[A-F]{2}$/.test(name)) return logUniform(r, 10, 2000);
  if (/^DH_[A-F]$/.test(name)) return -5e3 + 2e4 * r();
  if (/^DH_[A-F]{2}$/.test(name)) return 5.5e4 + 2.5e4 * r();
  if (/^DS_[A-F]$/.test(name)) return -20 + 40 * r();
  if (/^DS_[A-F]{2}$/.test(name)) return -30 + 60 * r();
  throw new Error(`no random range for parameter ${name}`);
}

/** Random sample conditions within what experiments use. */
export function randomConditions(r: () => number) {
  return {
    temperature: 5 + 35 * r(),
    h_larmor_frq: 500 + 500 * r(),
    p_total: logUniform(r, 5e-5, 3e-3),
    l_total: logUniform(r, 1e-5, 5e-3),
    d2o: 0.05 + 0.9 * r(),
  };
}
