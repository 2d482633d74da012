/**
 * Spectrometers and sequences shared between profiles. Setting up a profile's calculator and
 * its first evaluation (the plans of its x, compiled transient lists, workspaces) cost about as
 * much as five later evaluations, and a study's profiles of one experiment usually differ only
 * in their values: CPMG_15N_IP's 54 group fits of its second step built 108 calculators of two
 * kinds. Where an experiment declares what its setup reads of a profile
 * (`ExperimentModule.setupReads`), profiles that agree on the experiment, the model, the local
 * names and those fields get one spectrometer and sequence; each evaluation sets every input
 * value again and depends on them alone, so every profile gets the numbers it would get from
 * its own. Evaluations are synchronous: one shared engine is never in two at once.
 *
 * A pool belongs to one owner (an evaluator cache, a worker); it is never module-global.
 *
 * @example
 * ```ts
 * import { EnginePool } from "./engines.ts";
 * const engines = new EnginePool();
 * const a = createCalculator(study, 0, undefined, engines);
 * const b = createCalculator(study, 1, undefined, engines); // b.sequence === a.sequence when alike
 * ```
 *
 * @module
 */
import { EXPERIMENTS } from "../experiments/registry.ts";
import type { Sequence } from "../experiments/types.ts";
import type { Spectrometer } from "../nmr/spectrometer.ts";
import type { StudySpec } from "./study.ts";

/** What profiles share: the spectrometer their sequence was set up on, and the sequence. */
export interface Engine {
  readonly spectrometer: Spectrometer;
  readonly sequence: Sequence;
}

/** Engines kept by default: beyond it the least recently used is dropped. */
const DEFAULT_CAPACITY = 256;

/** A bounded pool of engines, keyed by everything their setup read. */
export class EnginePool {
  readonly #engines = new Map<string, Engine>();
  readonly #texts = new WeakMap<object, string>();

  constructor(readonly capacity: number = DEFAULT_CAPACITY) {}

  /** Engines held. */
  get size(): number {
    return this.#engines.size;
  }

  /**
   * The key of profile `index`'s engine, or null where its experiment's setup may read anything
   * of the profile (no sharing).
   */
  keyOf(study: StudySpec, index: number): string | null {
    const spec = study.profiles[index];
    const exp = study.experiments[spec.experiment];
    const reads = EXPERIMENTS[exp.name]?.setupReads;
    if (reads === undefined) return null;
    const parts = [this.#text(exp), this.#text(study.model), JSON.stringify(spec.localNames)];
    if (reads.includes("spinSystem")) parts.push(JSON.stringify(spec.name));
    if (reads.includes("profileX")) parts.push(JSON.stringify(spec.x));
    return parts.join("\n");
  }

  /** The engine under `key`, made by `make` when absent. */
  get(key: string, make: () => Engine): Engine {
    let engine = this.#engines.get(key);
    if (engine) {
      // Refresh recency (a Map keeps insertion order).
      this.#engines.delete(key);
    } else {
      engine = make();
      while (this.#engines.size >= this.capacity) {
        this.#engines.delete(this.#engines.keys().next().value!);
      }
    }
    this.#engines.set(key, engine);
    return engine;
  }

  /** An object's JSON text, once per object (experiments and models are read-only here). */
  #text(o: object): string {
    let t = this.#texts.get(o);
    if (t === undefined) this.#texts.set(o, t = JSON.stringify(o));
    return t;
  }
}
