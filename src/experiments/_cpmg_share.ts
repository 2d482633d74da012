/**
 * Work shared between CPMG profiles that differ only in what they detect (`_cpmg_run.ts`).
 *
 * ChemEx's HN DQ/ZQ example records every residue twice per field, once detecting
 * [2IxSx] − [2IySy] and once [2IxSx] + [2IySy]: the same parameters, Liouvillian, pulses,
 * delays and ncyc values, so the same propagated vectors. A sequence that declares a
 * {@link CpmgChains.shareKey} keeps, in the store its calculator set shares
 * (`SequenceContext.shared`), the vectors each group's core ends with at every ncyc of its last
 * evaluation, with the inputs they came from (free Liouvillian, B1 fields, start vector, bit for
 * bit); its partner then only detects. A hit gives exactly the numbers the partner would have
 * computed itself (same code on the same inputs).
 *
 * @module
 */
import type { Spectrometer } from "../nmr/spectrometer.ts";

/** One evaluation's core-end vectors and the inputs they came from. */
interface Entry {
  lFree: Float64Array;
  start: Float64Array;
  b1I: number;
  b1S: number;
  /** Whether the evaluation that wrote it finished. */
  complete: boolean;
  /** Per ncyc: every group's core-end vectors, one after the other (kept for reuse). */
  vectors: Map<number, Float64Array>;
  /** The ncyc values the last evaluation wrote. */
  written: Set<number>;
}

/** The shared entry of one sequence's key in a calculator set's store. */
export class CpmgShare {
  constructor(
    private readonly store: Map<string, unknown>,
    private readonly key: string,
  ) {}

  /**
   * The entry's vectors per ncyc when it holds every one of `values` for the spectrometer's
   * current inputs and start vector; null otherwise.
   */
  lookup(
    sp: Spectrometer,
    start: Float64Array,
    values: Float64Array,
  ): Map<number, Float64Array> | null {
    const e = this.store.get(this.key) as Entry | undefined;
    if (!e || !e.complete || e.b1I !== sp.b1I || e.b1S !== sp.b1S) return null;
    if (!same(e.lFree, sp.lFree) || !same(e.start, start)) return null;
    for (const v of values) if (!e.written.has(v)) return null;
    return e.vectors;
  }

  /** Start writing this evaluation's vectors (the entry is incomplete until {@link finish}). */
  begin(sp: Spectrometer, start: Float64Array): void {
    let e = this.store.get(this.key) as Entry | undefined;
    if (!e || e.lFree.length !== sp.lFree.length) {
      e = {
        lFree: new Float64Array(sp.lFree.length),
        start: new Float64Array(start.length),
        b1I: 0,
        b1S: 0,
        complete: false,
        vectors: new Map(),
        written: new Set(),
      };
      this.store.set(this.key, e);
    }
    e.complete = false;
    e.lFree.set(sp.lFree);
    e.start.set(start);
    e.b1I = sp.b1I;
    e.b1S = sp.b1S;
    e.written.clear();
  }

  /** Storage for the core-end vectors of ncyc `x` (`length` numbers). */
  slot(x: number, length: number): Float64Array {
    const e = this.store.get(this.key) as Entry;
    let out = e.vectors.get(x);
    if (!out || out.length !== length) e.vectors.set(x, out = new Float64Array(length));
    e.written.add(x);
    return out;
  }

  /** The evaluation finished: the entry may be read. */
  finish(): void {
    (this.store.get(this.key) as Entry).complete = true;
  }
}

function same(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
