/**
 * Physical domains of the numeric keys of experiment files, applied on top of each experiment
 * schema's own range. A schema says what a sequence needs (e.g. `pw90 > 0`); these rules add
 * what physics allows for any experiment, so that absurd numbers (`carrier = 1e308`,
 * `h_larmor_frq = 1e9`, `time_t2 = 0`) are rejected at load time with the allowed range instead
 * of sending the propagators into overflow or endless loops.
 *
 * Ranges are deliberately generous: they exclude only values that no spectrometer can produce.
 *
 * @module
 */

import type { NumberRange } from "./toml.ts";

/** A range of a key; `allowInfinity` lets `inf` through where it has a meaning. */
export type KeyDomain = NumberRange & { allowInfinity?: boolean };

interface DomainRule {
  test: RegExp;
  domain: KeyDomain;
  why: string;
}

// Order matters: the first rule whose pattern matches the key applies.
const RULES: DomainRule[] = [
  { test: /^carrier/, domain: { min: -1000, max: 1000 }, why: "ppm" },
  {
    test: /^(time_t1|time_t2|time_t1_s|time_t2_s)$/,
    domain: { min: 0, max: 100, exclusiveMin: true },
    why: "s",
  },
  { test: /^(time_|tau|t_zeta|d1$|delta$)/, domain: { min: 0, max: 100 }, why: "s" },
  { test: /^pw/, domain: { min: 0, max: 1, exclusiveMin: true }, why: "s" },
  { test: /^b1_frq_dec$/, domain: { min: 0, max: 1e6 }, why: "Hz" },
  { test: /^(b1_frq|b1_eff)$/, domain: { min: 0, max: 1e6, exclusiveMin: true }, why: "Hz" },
  { test: /^sw$/, domain: { min: 0, exclusiveMin: true, allowInfinity: true }, why: "Hz" },
  { test: /^b1_inh_scale$/, domain: { min: 0, allowInfinity: true }, why: "" },
  { test: /^(ncyc_max|cos_n|cos_res|b1_inh_res|eta_block)$/, domain: { max: 10_000 }, why: "" },
  { test: /^gradient$/, domain: { min: 0, max: 1e4 }, why: "" },
];

/** Domains of the `[conditions]` keys. */
export const CONDITION_DOMAINS: Record<string, KeyDomain> = {
  h_larmor_frq: { min: 0, max: 2000, exclusiveMin: true },
  temperature: { min: -273.15, max: 500, exclusiveMin: true },
  p_total: { min: 0, max: 100 },
  l_total: { min: 0, max: 100 },
  d2o: { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true },
};

/**
 * The range of an `[experiment]` key: the schema's range narrowed by the physical domain of keys
 * of that name (carrier offsets in ppm, delays in s, pulse widths in s, B1 fields in Hz).
 *
 * @example
 * ```ts
 * keyDomain("carrier", {}); // { min: -1000, max: 1000 }
 * keyDomain("pw90", { min: 0, exclusiveMin: true }).max; // 1
 * ```
 */
export function keyDomain(key: string, schema: NumberRange): KeyDomain {
  const rule = RULES.find((r) => r.test.test(key));
  if (rule === undefined) return { ...schema };
  return intersect(schema, rule.domain);
}

function intersect(a: KeyDomain, b: KeyDomain): KeyDomain {
  const out: KeyDomain = {};
  if (a.min === undefined || (b.min !== undefined && b.min >= a.min)) {
    if (b.min !== undefined) {
      out.min = b.min;
      out.exclusiveMin = b.min === a.min ? (a.exclusiveMin || b.exclusiveMin) : b.exclusiveMin;
    } else if (a.min !== undefined) {
      out.min = a.min;
      out.exclusiveMin = a.exclusiveMin;
    }
  } else {
    out.min = a.min;
    out.exclusiveMin = a.exclusiveMin;
  }
  if (a.max === undefined || (b.max !== undefined && b.max <= a.max)) {
    if (b.max !== undefined) {
      out.max = b.max;
      out.exclusiveMax = b.max === a.max ? (a.exclusiveMax || b.exclusiveMax) : b.exclusiveMax;
    } else if (a.max !== undefined) {
      out.max = a.max;
      out.exclusiveMax = a.exclusiveMax;
    }
  } else {
    out.max = a.max;
    out.exclusiveMax = a.exclusiveMax;
  }
  if (a.allowInfinity || b.allowInfinity) out.allowInfinity = true;
  if (!out.exclusiveMin) delete out.exclusiveMin;
  if (!out.exclusiveMax) delete out.exclusiveMax;
  return out;
}
