/**
 * Exact derivatives of the CPMG engine's intensities with respect to every local value, in the
 * reverse (adjoint) form (`docs/jacobians.md`, "CPMG").
 *
 * Every dense matrix a CPMG sequence applies is, per evaluation, one of: a free delay
 * exp(L·t) (the kit's and the plan's), a finite pulse exp((L + R_I)·t) of the kit at phase x,
 * a phase rotation of another one (a signed permutation), a sum of products of others
 * declared by the module ({@link Derivation}: phase-cycle averages, composite pulses,
 * P-elements), or a constant (ideal pulses; diagonals always are). For each point the signal
 * s = Σ_t w_t·dᵀ·M_N···M_1·start is run once more on vectors with every echo D·P(φ)·D as its
 * three factors (the trains unrolled, no powers), then backwards: a_{i} = M_iᵀ·a_{i+1}, and
 * each non-constant matrix collects its cotangent C += a_{i+1}·v_iᵀ (rank one per use). The
 * cotangents flow back through the rotations (C_from += R⁻¹·C·R) and the declared products
 * (C_f += c·(after)ᵀ·C·(before)ᵀ, products formed once per evaluation) to the exponentials,
 * where `ExpFamily` contracts them with every ∂L/∂p in the generator's eigenbasis. The start
 * vector's derivative adds a_0·∂start/∂p. Exact up to rounding wherever defined; no step size.
 *
 * Unrolling the trains costs 2·3·ncyc matrix–vector products and ncyc rank-one updates per
 * point and transient, where the primal uses binary powers of the echo: the pass is a few
 * evaluations' worth whatever the number of parameters.
 *
 * @module
 */
import type { Spectrometer } from "../nmr/spectrometer.ts";
import { addTerm } from "../nmr/basis.ts";
import { matmul } from "../nmr/expm.ts";
import { ExpFamily } from "../nmr/frechet_adjoint.ts";
import { localDirections } from "./_derivatives.ts";
import type { Plan } from "./_cpmg_plan.ts";
import type { CpmgChains, EchoSet, LiouvillianState, Step, Transient } from "./_cpmg.ts";
import type { Derivation, Rotation } from "./_cpmg_derived.ts";
import { composeOps, rotate } from "./_cpmg_cache.ts";

/** A formed echo D·P(φ)·D of one point, with (P·D)ᵀ and (D·P)ᵀ for its cotangents. */
interface Echo {
  set: number;
  phase: number;
  m: Float64Array;
  pdT: Float64Array;
  dpT: Float64Array;
  d: Float64Array;
  point: number;
}

/** What the adjoint needs from the kit and the runner. */
export interface AdjointParts {
  p90: readonly Float64Array[];
  p180: readonly Float64Array[];
  fixed: readonly Float64Array[];
  terms: readonly string[];
  detect: Float64Array;
  /** The plan's point delays per value (row-major), as the runner's. */
  nPoint: number;
}

/** Why a sequence has no exact derivatives, or null when it has them. */
export function adjointUnsupported(chains: CpmgChains, parts: AdjointParts): string | null {
  if (chains.liouvillian && !chains.states) return "own Liouvillian";
  // Transients chosen per ncyc are checked when they are run (a module that builds them
  // declares its matrices).
  if (typeof chains.cpmg === "function" && !chains.derived) return "transients depending on ncyc";
  const n = parts.detect.length;
  const known = knownMatrices(chains, parts);
  for (const d of chains.derived ?? []) {
    if (d.rotation && d.rotation.from.length !== n && !known.has(d.rotation.from)) {
      return "undeclared rotation";
    }
    for (const t of d.terms) {
      for (const f of t.factors) if (f.length !== n && !known.has(f)) return "undeclared factor";
    }
  }
  const ok = (m: Float64Array) => m.length === n || known.has(m);
  for (const e of chains.echoes ?? []) if (!ok(e.pulse)) return "echo pulse";
  const lists = typeof chains.cpmg === "function"
    ? [chains.reference]
    : [chains.reference, chains.cpmg];
  for (const list of lists) {
    const why = listUnsupported(list, known, n);
    if (why) return why;
  }
  return null;
}

/** The kit's pulses and delays, the declared products and the constants. */
function knownMatrices(chains: CpmgChains, parts: AdjointParts): Set<Float64Array> {
  return new Set<Float64Array>([
    ...parts.p90,
    ...parts.p180,
    ...parts.fixed,
    ...(chains.constants ?? []),
    ...(chains.derived ?? []).map((d) => d.out),
    ...(chains.pulses ?? []).map((p) => p.out),
    ...(chains.states ?? []).flatMap((s) => [...(s.delays ?? []), ...(s.pulses ?? [])])
      .map((l) => l.out),
  ]);
}

/** Why a transient list holds a step without exact derivatives, or null. */
function listUnsupported(
  list: readonly Transient[],
  known: ReadonlySet<Float64Array>,
  n: number,
): string | null {
  for (const t of list) {
    for (const s of t.steps) {
      if (s instanceof Float64Array) {
        if (s.length !== n && !known.has(s)) return "undeclared matrix";
      } else if (s.kind === "custom" && !s.matrices) return "custom step";
    }
  }
  return null;
}

/**
 * The reverse pass of one CPMG sequence (see the module notes).
 *
 * @example
 * ```ts
 * const adj = new CpmgAdjoint(sp, chains, parts);
 * const jac = adj.jacobian(plan, start, nLocal); // rows: plan.values
 * ```
 */
export class CpmgAdjoint {
  private readonly n: number;
  private readonly free: ExpFamily;
  private readonly pulses: ExpFamily;
  /** Families of the simultaneous I/S pulses, by their phases ("phaseI,phaseS"). */
  private readonly isFamilies = new Map<string, ExpFamily>();
  private readonly rotations = new Map<Float64Array, Rotation>();
  private readonly kitRotations: Float64Array[] = [];
  private readonly derived: Derivation[];
  private readonly constants: Set<Float64Array>;
  /** Per derivation term and factor: (after)ᵀ and (before)ᵀ, or null for the identity. */
  private readonly products: {
    afterT: (Float64Array | null)[];
    beforeT: (Float64Array | null)[];
  }[][];
  /** Echo pulses by set and phase (the rotations made per evaluation). */
  private readonly echoPulses: Float64Array[][];
  private dirs: ReturnType<typeof localDirections> | null = null;
  /** Per declared Liouvillian state: its delay and pulse families and directions. */
  private readonly states: {
    state: LiouvillianState;
    free: ExpFamily;
    pulses: ExpFamily;
    dirs: ReturnType<typeof localDirections> | null;
  }[];
  /** Echoes by set and phase, formed for the point `point`. */
  private readonly echoes: Echo[][];
  private readonly echoUsed: Echo[] = [];
  private point = 0;
  private readonly dense: Float64Array;
  private readonly acc = new Map<Float64Array, Float64Array>();
  /** Matrices with known derivatives, and the transient lists checked against them. */
  private readonly known: Set<Float64Array>;
  private readonly checked = new WeakSet<readonly Transient[]>();
  /** The exponentials of this evaluation: family and time. */
  private readonly leaves = new Map<Float64Array, { fam: ExpFamily; t: number }>();
  private readonly pool: Float64Array[] = [];
  private used = 0;
  private ops: Float64Array[] = [];
  private vs: Float64Array[] = [];
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly aStart: Float64Array;
  private readonly tmp: Float64Array;
  private readonly tmp2: Float64Array;
  private readonly gen: Float64Array;

  constructor(
    private readonly sp: Spectrometer,
    private readonly chains: CpmgChains,
    private readonly parts: AdjointParts,
  ) {
    const n = sp.size;
    this.n = n;
    this.free = new ExpFamily(n);
    this.pulses = new ExpFamily(n);
    this.states = (chains.states ?? []).map((state) => ({
      state,
      free: new ExpFamily(n),
      pulses: new ExpFamily(n),
      dirs: null,
    }));
    for (const p of chains.pulses ?? []) {
      const key = p.phases?.join(",");
      if (key !== undefined && !this.isFamilies.has(key)) {
        this.isFamilies.set(key, new ExpFamily(n));
      }
    }
    for (const p of [parts.p90, parts.p180]) {
      for (let k = 1; k < p.length; k++) {
        this.rotations.set(p[k], { from: p[0], phase: k, spins: "i" });
        this.kitRotations.push(p[k]);
      }
    }
    this.derived = [...(chains.derived ?? [])];
    this.known = knownMatrices(chains, parts);
    this.constants = new Set(chains.constants ?? []);
    const m = () => new Float64Array(n * n);
    this.products = this.derived.map((d) =>
      d.terms.map((t) => ({
        afterT: t.factors.map((_, j) => j === t.factors.length - 1 ? null : m()),
        beforeT: t.factors.map((_, j) => j === 0 ? null : m()),
      }))
    );
    this.echoPulses = (chains.echoes ?? []).map((e: EchoSet) =>
      [0, 1, 2, 3].map((k) => {
        if (k === 0 || e.pulse.length === n) return e.pulse;
        const r = m();
        this.rotations.set(r, { from: e.pulse, phase: k, spins: e.spins ?? "i" });
        return r;
      })
    );
    this.echoes = this.echoPulses.map((_, set) =>
      [0, 1, 2, 3].map((phase) => ({
        set,
        phase,
        m: m(),
        pdT: m(),
        dpT: m(),
        d: new Float64Array(0),
        point: -1,
      }))
    );
    this.dense = m();
    const v = () => new Float64Array(n);
    [this.a, this.b, this.aStart] = [v(), v(), v()];
    [this.tmp, this.tmp2, this.gen] = [m(), m(), m()];
  }

  /**
   * ∂signal/∂local of every distinct value of the plan (row k, column l at k·nLocal + l), for
   * the spectrometer's current state: call right after the primal evaluation of the same plan.
   */
  jacobian(plan: Plan, start: Float64Array): Float64Array {
    const { sp, n } = this;
    for (const list of plan.lists) {
      if (this.checked.has(list)) continue;
      const why = listUnsupported(list, this.known, n);
      if (why) {
        throw new Error(`${sp.basis.type}: CPMG transients with a ${why}: no exact derivatives`);
      }
      this.checked.add(list);
    }
    const nl = sp.values.length;
    // The engine's own Liouvillian (a sequence's hook leaves it set for the engine).
    this.chains.liouvillian?.();
    this.dirs ??= localDirections(sp, this.parts.terms, "1H");
    const dls = this.dirs.map((d) => d.dl);
    this.free.prepare(sp.lFree, dls);
    const extra = this.chains.pulses ?? [];
    const usesPulses = this.parts.p90.length > 0 || extra.some((p) => !p.phases);
    if (usesPulses) {
      this.gen.set(sp.lFree);
      const bx = sp.basis.terms.get("b1x_i");
      if (bx) addTerm(this.gen, bx, sp.b1I);
      this.pulses.prepare(this.gen, dls);
    }
    for (const [key, fam] of this.isFamilies) {
      const [pi, ps] = key.split(",").map((v) => v === "" ? null : Number(v));
      fam.prepare(sp.pulseISGenerator(this.gen, pi, ps), dls);
    }
    this.prepareProducts();
    const leaves = this.leaves;
    leaves.clear();
    plan.mats.forEach((mat, i) => leaves.set(mat, { fam: this.free, t: plan.times[i] }));
    if (this.parts.p90.length > 0) {
      const pw90 = 1 / (4 * sp.b1I);
      leaves.set(this.parts.p90[0], { fam: this.pulses, t: pw90 });
      leaves.set(this.parts.p180[0], { fam: this.pulses, t: 2 * pw90 });
    }
    for (const p of extra) {
      const fam = p.phases ? this.isFamilies.get(p.phases.join(","))! : this.pulses;
      leaves.set(p.out, { fam, t: p.widthS() });
    }
    this.prepareStates();
    const out = new Float64Array(plan.values.length * nl);
    for (let k = 0; k < plan.values.length; k++) {
      this.free.clear();
      this.pulses.clear();
      for (const fam of this.isFamilies.values()) fam.clear();
      for (const s of this.states) s.free.clear(), s.pulses.clear();
      this.reversePoint(plan, k, start);
      this.backThroughMatrices();
      for (const [mat, c] of this.acc) {
        const leaf = leaves.get(mat);
        if (leaf) leaf.fam.add(c, leaf.t);
      }
      this.dirs.forEach((d, q) => {
        let v = this.free.contract(q) + (usesPulses ? this.pulses.contract(q) : 0);
        for (const fam of this.isFamilies.values()) v += fam.contract(q);
        if (d.dstart) { for (let i = 0; i < n; i++) v += this.aStart[i] * d.dstart[i]; }
        out[k * nl + d.local] += v;
      });
      for (const s of this.states) {
        s.dirs!.forEach((d, q) =>
          out[k * nl + d.local] += s.free.contract(q) + s.pulses.contract(q)
        );
      }
    }
    return out;
  }

  /**
   * The declared Liouvillian states: each set in turn, its directions (∂L/∂p depends on it,
   * e.g. through the gradient) and generators decomposed, its delays and pulses registered.
   */
  private prepareStates(): void {
    const sp = this.sp;
    for (const s of this.states) {
      s.state.set();
      s.dirs ??= localDirections(sp, this.parts.terms, "1H");
      const dls = s.dirs.map((d) => d.dl);
      if (s.state.delays?.length) s.free.prepare(sp.lFree, dls);
      for (const d of s.state.delays ?? []) this.leaves.set(d.out, { fam: s.free, t: d.timeS });
      if (s.state.pulses?.length) {
        this.gen.set(sp.lFree);
        const bx = sp.basis.terms.get("b1x_i");
        if (bx) addTerm(this.gen, bx, sp.b1I);
        s.pulses.prepare(this.gen, dls);
      }
      for (const p of s.state.pulses ?? []) {
        this.leaves.set(p.out, { fam: s.pulses, t: p.widthS() });
      }
    }
  }

  /** Echo pulses at every phase, and the declared products' partial products. */
  private prepareProducts(): void {
    const { sp, n } = this;
    for (const [out, r] of this.rotations) {
      if (this.echoPulses.some((row) => row.includes(out))) {
        rotate(sp, out, r.from, r.phase, r.spins, this.tmp);
      }
    }
    this.derived.forEach((d, q) =>
      d.terms.forEach((t, i) => {
        const { afterT, beforeT } = this.products[q][i];
        const f = t.factors;
        for (let j = 0; j < f.length; j++) {
          if (afterT[j]) {
            transposeInto(afterT[j]!, composeOps(this.tmp2, f.slice(j + 1), n, this.tmp), n);
          }
          if (beforeT[j]) {
            transposeInto(beforeT[j]!, composeOps(this.tmp2, f.slice(0, j), n, this.tmp), n);
          }
        }
      })
    );
  }

  /** The cotangent buffer of `m` for the current point (zeroed on first use). */
  private cot(m: Float64Array): Float64Array {
    let c = this.acc.get(m);
    if (!c) {
      if (this.used === this.pool.length) this.pool.push(new Float64Array(this.n * this.n));
      c = this.pool[this.used++].fill(0);
      this.acc.set(m, c);
    }
    return c;
  }

  /** The echo D·P(φ)·D of the current point (formed once per point, with P·D and D·P). */
  private echo(set: number, phase: number, d: Float64Array): Float64Array {
    const e = this.echoes[set][phase];
    if (e.point === this.point) return e.m;
    const n = this.n;
    let p = this.echoPulses[set][phase];
    if (p.length === n) {
      this.dense.fill(0);
      for (let r = 0; r < n; r++) this.dense[r * n + r] = p[r];
      p = this.dense;
    }
    matmul(this.tmp, p, d, n);
    transposeInto(e.pdT, this.tmp, n);
    matmul(e.m, d, this.tmp, n);
    matmul(this.tmp, d, p, n);
    transposeInto(e.dpT, this.tmp, n);
    e.d = d;
    e.point = this.point;
    this.echoUsed.push(e);
    return e.m;
  }

  /** Forward and backward vector passes of point k: cotangents of every matrix used. */
  private reversePoint(plan: Plan, k: number, start: Float64Array): void {
    const n = this.n;
    this.acc.clear();
    this.used = 0;
    this.point++;
    this.echoUsed.length = 0;
    this.aStart.fill(0);
    const x = plan.values[k];
    for (const t of plan.lists[k]) {
      const count = this.flatten(t.steps, plan, k, x);
      while (this.vs.length <= count) this.vs.push(new Float64Array(n));
      const vs = this.vs;
      vs[0].set(start);
      for (let i = 0; i < count; i++) apply(vs[i + 1], this.ops[i], vs[i], n);
      const w = t.weight ?? 1;
      let a = this.a;
      let b = this.b;
      for (let i = 0; i < n; i++) a[i] = w * this.parts.detect[i];
      for (let i = count - 1; i >= 0; i--) {
        const op = this.ops[i];
        const v = vs[i];
        if (op.length !== n) {
          const leaf = this.leaves.get(op);
          if (leaf) {
            leaf.fam.addOuter(a, v, leaf.t);
          } else if (!this.constants.has(op)) {
            const c = this.cot(op);
            for (let r = 0; r < n; r++) {
              const ar = a[r];
              if (ar === 0) continue;
              const ro = r * n;
              for (let q = 0; q < n; q++) c[ro + q] += ar * v[q];
            }
          }
          b.fill(0);
          for (let r = 0; r < n; r++) {
            const ar = a[r];
            if (ar === 0) continue;
            const ro = r * n;
            for (let q = 0; q < n; q++) b[q] += op[ro + q] * ar;
          }
          const t = a;
          a = b;
          b = t;
        } else {
          for (let r = 0; r < n; r++) a[r] *= op[r];
        }
      }
      for (let i = 0; i < n; i++) this.aStart[i] += a[i];
    }
  }

  /** The point's steps as a list of matrices in time order (trains unrolled); its length. */
  private flatten(steps: readonly Step[], plan: Plan, k: number, x: number): number {
    const ops = this.ops;
    let c = 0;
    for (const s of steps) {
      if (s instanceof Float64Array) {
        ops[c++] = s;
      } else if (s.kind === "point") {
        ops[c++] = plan.mats[plan.pointAt[k * this.parts.nPoint + s.index]];
      } else if (s.kind === "train") {
        const d = plan.mats[plan.tauAt[k]];
        if (x === -1) {
          ops[c++] = d;
          continue;
        }
        const count = s.count ? s.count(x) : s.perCycle * Math.trunc(x);
        const phases = typeof s.phases === "function" ? s.phases(x) : s.phases;
        const p = phases.length;
        for (let j = 0; j < count; j++) {
          const ph = phases[s.fromEnd ? (count - 1 - j) % p : j % p];
          ops[c++] = this.echo(s.set, ((ph % 4) + 4) % 4, d);
        }
      } else {
        if (!s.matrices) throw new Error("cpmg: a custom step has no exact derivatives");
        for (const m of s.matrices(x)) ops[c++] = m;
      }
    }
    return c;
  }

  /** Cotangents from rotations and declared products back to their sources. */
  private backThroughMatrices(): void {
    const { sp, n } = this;
    // Consumers before producers: echo rotations, the declarations last to first, the kit's
    // phase rotations.
    const rotateBack = (out: Float64Array) => {
      const r = this.rotations.get(out)!;
      const c = this.acc.get(out);
      if (!c) return;
      rotate(sp, this.tmp, c, -r.phase, r.spins, this.tmp2);
      const dst = this.cot(r.from);
      for (let i = 0; i < n * n; i++) dst[i] += this.tmp[i];
    };
    // Echoes E = D·P·D: C_D += C_E·(P·D)ᵀ + (D·P)ᵀ·C_E, C_P += Dᵀ·C_E·Dᵀ.
    for (const e of this.echoUsed) {
      const c = this.acc.get(e.m);
      if (!c) continue;
      const cd = this.cot(e.d);
      matmul(this.tmp, c, e.pdT, n);
      for (let i = 0; i < n * n; i++) cd[i] += this.tmp[i];
      matmul(this.tmp, e.dpT, c, n);
      for (let i = 0; i < n * n; i++) cd[i] += this.tmp[i];
      const p = this.echoPulses[e.set][e.phase];
      if (p.length === n || this.constants.has(p)) continue;
      transposeInto(this.tmp2, e.d, n);
      matmul(this.tmp, this.tmp2, c, n);
      const cp = this.cot(p);
      matmul(c, this.tmp, this.tmp2, n);
      for (let i = 0; i < n * n; i++) cp[i] += c[i];
    }
    for (const row of this.echoPulses) {
      for (const m of row) if (this.rotations.has(m)) rotateBack(m);
    }
    for (let q = this.derived.length - 1; q >= 0; q--) {
      const d = this.derived[q];
      const c = this.acc.get(d.out);
      if (!c) continue;
      if (d.rotation) {
        rotate(sp, this.tmp, c, -d.rotation.phase, d.rotation.spins, this.tmp2);
        const dst = this.cot(d.rotation.from);
        for (let i = 0; i < n * n; i++) dst[i] += this.tmp[i];
        continue;
      }
      d.terms.forEach((t, i) => {
        const { afterT, beforeT } = this.products[q][i];
        t.factors.forEach((f, j) => {
          if (f.length === n || this.constants.has(f)) return;
          let m = c;
          if (afterT[j]) {
            matmul(this.tmp, afterT[j]!, m, n);
            m = this.tmp;
          }
          if (beforeT[j]) {
            matmul(this.tmp2, m, beforeT[j]!, n);
            m = this.tmp2;
          }
          const dst = this.cot(f);
          for (let e = 0; e < n * n; e++) dst[e] += t.coef * m[e];
        });
      });
    }
    for (const out of this.kitRotations) rotateBack(out);
  }
}

/** out = op·v (dense or diagonal op). */
function apply(out: Float64Array, op: Float64Array, v: Float64Array, n: number): void {
  if (op.length === n) {
    for (let i = 0; i < n; i++) out[i] = op[i] * v[i];
    return;
  }
  for (let r = 0; r < n; r++) {
    const ro = r * n;
    let s = 0;
    for (let q = 0; q < n; q++) s += op[ro + q] * v[q];
    out[r] = s;
  }
}

function transposeInto(out: Float64Array, a: Float64Array, n: number): void {
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) out[c * n + r] = a[r * n + c];
}
