/**
 * Product-operator bases and the fixed matrices from which every Liouvillian is assembled.
 *
 * A vector index is `state * n + component` with states in model order (a, b, c, …). Each named
 * term (relaxation rate, chemical shift, coupling, RF field, exchange rate) is a sparse list of
 * entries so that assembling L for new parameter values costs only the non-zeros.
 *
 * @module
 */

const IXYZSXYZ = [
  "ix",
  "iy",
  "iz",
  "sx",
  "sy",
  "sz",
  "2ixsz",
  "2iysz",
  "2izsx",
  "2izsy",
  "2ixsx",
  "2ixsy",
  "2iysx",
  "2iysy",
  "2izsz",
] as const;

/** Component lists of each basis, in ChemEx's exact order. */
export const BASES: Readonly<Record<string, readonly string[]>> = {
  ixy: ["ix", "iy"],
  iz: ["iz"],
  izsz: ["iz", "2izsz"],
  iz_eq: ["ie", "iz"],
  ixyz: ["ix", "iy", "iz"],
  ixyz_eq: ["ie", "ix", "iy", "iz"],
  ixysxy: ["2ixsx", "2ixsy", "2iysx", "2iysy"],
  ixy_ixysxy: ["ix", "iy", "2ixsx", "2ixsy", "2iysx", "2iysy"],
  ixyzsz: ["ix", "iy", "iz", "2ixsz", "2iysz", "2izsz"],
  ixyzsz_diff: ["ix", "iy", "iz", "2ixsz", "2iysz", "2izsz"],
  ixyzsz_eq: ["ie", "ix", "iy", "iz", "2ixsz", "2iysz", "2izsz"],
  ixyzsxyz: IXYZSXYZ,
  ixyzsxyz_eq: ["ie", "se", ...IXYZSXYZ],
};

type Entry = readonly [row: string, col: string, value: number];

/** A component written as (I part, S part); "1" = identity, "e" = equilibrium (E) component. */
function op(i: string, s: string): string {
  if (i === "e") return "ie";
  if (s === "e") return "se";
  if (s === "1") return `i${i}`;
  if (i === "1") return `s${s}`;
  return `2i${i}s${s}`;
}

// Precession of one spin acts alike on every product operator that carries its transverse
// part, whatever the other spin does: generate those families instead of listing them.
function rotationI(sign: number): Entry[] {
  return ["1", "x", "y", "z"].flatMap((a) =>
    [
      [op("x", a), op("y", a), -sign],
      [op("y", a), op("x", a), sign],
    ] as Entry[]
  );
}
function rotationS(sign: number): Entry[] {
  return ["1", "x", "y", "z"].flatMap((a) =>
    [
      [op(a, "x"), op(a, "y"), -sign],
      [op(a, "y"), op(a, "x"), sign],
    ] as Entry[]
  );
}
function fieldI(from: string, to: string): Entry[] {
  // Field along one transverse axis couples the other transverse axis with z.
  return ["1", "x", "y", "z"].flatMap((a) =>
    [
      [op(from, a), op(to, a), -1],
      [op(to, a), op(from, a), 1],
    ] as Entry[]
  );
}
function fieldS(from: string, to: string): Entry[] {
  return ["1", "x", "y", "z"].flatMap((a) =>
    [
      [op(a, from), op(a, to), -1],
      [op(a, to), op(a, from), 1],
    ] as Entry[]
  );
}

/** Per-state terms; the key's `{s}` is replaced by the state letter. */
const STATE_TERMS: Readonly<Record<string, readonly Entry[]>> = {
  "r2_i_{s}": [["ix", "ix", -1], ["iy", "iy", -1]],
  "r2_s_{s}": [["sx", "sx", -1], ["sy", "sy", -1]],
  "r1_i_{s}": [["iz", "iz", -1], ["iz", "ie", 1]],
  "r1_s_{s}": [["sz", "sz", -1], ["sz", "se", 1]],
  "r2a_i_{s}": [["2ixsz", "2ixsz", -1], ["2iysz", "2iysz", -1]],
  "r2a_s_{s}": [["2izsx", "2izsx", -1], ["2izsy", "2izsy", -1]],
  "r2mq_is_{s}": [
    ["2ixsx", "2ixsx", -1],
    ["2ixsy", "2ixsy", -1],
    ["2iysx", "2iysx", -1],
    ["2iysy", "2iysy", -1],
  ],
  "r1a_is_{s}": [["2izsz", "2izsz", -1]],
  "etaxy_i_{s}": [
    ["ix", "2ixsz", -1],
    ["iy", "2iysz", -1],
    ["2ixsz", "ix", -1],
    ["2iysz", "iy", -1],
  ],
  "etaxy_s_{s}": [
    ["sx", "2izsx", -1],
    ["sy", "2izsy", -1],
    ["2izsx", "sx", -1],
    ["2izsy", "sy", -1],
  ],
  "etaz_i_{s}": [["iz", "2izsz", -1], ["2izsz", "iz", -1], ["2izsz", "ie", 1]],
  "etaz_s_{s}": [["sz", "2izsz", -1], ["2izsz", "sz", -1], ["2izsz", "se", 1]],
  "sigma_is_{s}": [["iz", "sz", -1], ["sz", "iz", -1], ["sz", "ie", 1], ["iz", "se", 1]],
  "mu_is_{s}": [
    ["2ixsx", "2iysy", 1],
    ["2ixsy", "2iysx", -1],
    ["2iysx", "2ixsy", -1],
    ["2iysy", "2ixsx", 1],
  ],
  // Chemical shifts: the ppm→rad/s factor (×q for multiple-quantum I coherences) is applied
  // when the spectrometer knows the field.
  "cs_i_{s}": rotationI(1),
  "cs_s_{s}": rotationS(1),
  "j_is_{s}": [
    ["ix", "2iysz", -Math.PI],
    ["2iysz", "ix", Math.PI],
    ["2ixsz", "iy", -Math.PI],
    ["iy", "2ixsz", Math.PI],
    ["sx", "2izsy", -Math.PI],
    ["2izsy", "sx", Math.PI],
    ["2izsx", "sy", -Math.PI],
    ["sy", "2izsx", Math.PI],
  ],
  "d_{s}": IXYZSXYZ.map((c) => [c, c, -1] as Entry),
};

/** State-independent terms (applied to every state block). */
const GLOBAL_TERMS: Readonly<Record<string, readonly Entry[]>> = {
  carrier_i: rotationI(-1),
  carrier_s: rotationS(-1),
  offset_i: rotationI(-1).map(([r, c, v]) => [r, c, v * 2 * Math.PI] as Entry),
  offset_s: rotationS(-1).map(([r, c, v]) => [r, c, v * 2 * Math.PI] as Entry),
  jeff_i: rotationI(1).map(([r, c, v]) => [r, c, v * 2 * Math.PI] as Entry),
  rotz_i: rotationI(1),
  rotz_s: rotationS(1),
  b1x_i: fieldI("y", "z").map(([r, c, v]) => [r, c, v * 2 * Math.PI] as Entry),
  b1y_i: fieldI("z", "x").map(([r, c, v]) => [r, c, v * 2 * Math.PI] as Entry),
  b1x_s: fieldS("y", "z").map(([r, c, v]) => [r, c, v * 2 * Math.PI] as Entry),
  b1y_s: fieldS("z", "x").map(([r, c, v]) => [r, c, v * 2 * Math.PI] as Entry),
};

/** Sparse n×n matrix: parallel arrays of flat indices and values. */
export interface SparseTerm {
  readonly index: Int32Array;
  readonly value: Float64Array;
}

/** A basis instantiated for a set of states. */
export interface Basis {
  readonly type: string;
  readonly components: readonly string[];
  readonly states: readonly string[];
  /** Full vector size: states × components. */
  readonly size: number;
  /** Named sparse terms: per-state ones as e.g. "r2_i_a", exchange as "kab", global ones as "b1x_i". */
  readonly terms: ReadonlyMap<string, SparseTerm>;
  /** Index of `component_state` (e.g. "iz_a") in the full vector. */
  index(componentState: string): number;
}

function sparse(entries: [number, number, number][], size: number): SparseTerm {
  return {
    index: Int32Array.from(entries.map(([r, c]) => r * size + c)),
    value: Float64Array.from(entries.map(([, , v]) => v)),
  };
}

/**
 * Build a basis of the given type for the given states (e.g. `["a", "b"]`).
 *
 * @example
 * ```ts
 * const basis = createBasis("ixyz", ["a", "b"]);
 * basis.size; // 6
 * basis.terms.has("r2_i_b"); // true
 * ```
 */
export function createBasis(type: string, states: readonly string[]): Basis {
  // A basis is immutable and depends only on its type and states: build each once per process.
  const key = `${type}|${states.join("")}`;
  const hit = BASIS_CACHE.get(key);
  if (hit) return hit;
  const basis = buildBasis(type, states);
  BASIS_CACHE.set(key, basis);
  return basis;
}

const BASIS_CACHE = new Map<string, Basis>();

function buildBasis(type: string, states: readonly string[]): Basis {
  const components = BASES[type];
  if (!components) throw new Error(`unknown basis "${type}"`);
  const n = components.length;
  const size = n * states.length;
  const terms = new Map<string, SparseTerm>();
  const compIndex = new Map(components.map((c, k) => [c, k]));
  const collect = (entries: readonly Entry[], offset: number): [number, number, number][] => {
    const out: [number, number, number][] = [];
    for (const [r, c, v] of entries) {
      const ri = compIndex.get(r);
      const ci = compIndex.get(c);
      // Terms touching a component absent from the basis are dropped, as in ChemEx.
      if (ri === undefined || ci === undefined) continue;
      out.push([ri + offset, ci + offset, v]);
    }
    return out;
  };
  states.forEach((s, k) => {
    for (const [name, entries] of Object.entries(STATE_TERMS)) {
      if (name === "d_{s}" && !type.endsWith("_diff")) continue;
      const list = collect(entries, k * n);
      if (list.length > 0) terms.set(name.replace("{s}", s), sparse(list, size));
    }
  });
  for (const [name, entries] of Object.entries(GLOBAL_TERMS)) {
    const list = states.flatMap((_, k) => collect(entries, k * n));
    if (list.length > 0) terms.set(name, sparse(list, size));
  }
  states.forEach((s1, i1) => {
    states.forEach((s2, i2) => {
      if (i1 === i2) return;
      const list: [number, number, number][] = [];
      for (let c = 0; c < n; c++) {
        list.push([i1 * n + c, i1 * n + c, -1]);
        list.push([i2 * n + c, i1 * n + c, 1]);
      }
      terms.set(`k${s1}${s2}`, sparse(list, size));
    });
  });
  const vectorIndex = new Map<string, number>();
  states.forEach((s, k) => components.forEach((c, j) => vectorIndex.set(`${c}_${s}`, k * n + j)));
  return {
    type,
    components,
    states,
    size,
    terms,
    index(componentState: string): number {
      const k = vectorIndex.get(componentState);
      if (k === undefined) throw new Error(`component "${componentState}" not in basis ${type}`);
      return k;
    },
  };
}

/** Add `factor` × term into a dense row-major matrix. */
export function addTerm(out: Float64Array, term: SparseTerm, factor: number): void {
  if (factor === 0) return;
  const { index, value } = term;
  for (let k = 0; k < index.length; k++) out[index[k]] += factor * value[k];
}
