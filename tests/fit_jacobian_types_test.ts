/**
 * Every experiment type of the catalog either gives exact derivatives and passes the check of
 * `_jacobian_check.ts` on a synthetic profile (2-state exchange, every independent parameter
 * free, three seeded points, 1e-6 of each column's norm), or is listed in
 * {@link DIFFERENCED} (forward differences) and provides no derivative routine. Needs no
 * reference data; the refdata fixtures are checked by `fit_jacobian_test.ts`.
 */
import { strict as assert } from "node:assert";
import { EXPERIMENTS } from "../src/experiments/registry.ts";
import { simulateStudy, type SyntheticExperiment } from "../src/fit/synthetic.ts";
import { createCalculator } from "../src/fit/evaluate.ts";
import { createChunkEvaluator, makeChunk } from "../src/fit/chunk.ts";
import { createGroupProblem } from "../src/fit/problem.ts";
import { propagatorTangents } from "../src/experiments/_sensitivity.ts";
import { createFrechetWorkspace, expmFrechet } from "../src/nmr/frechet.ts";
import {
  CHECKED_ON_FIXTURES,
  checkExactJacobian,
  DIFFERENCED,
  freeAll,
} from "./_jacobian_check.ts";

/** Offsets (Hz) of the synthetic CEST profiles: a reference and both sides of the carrier. */
const OFFSETS = [-2e4, -500, -300, -150, -60, 0, 60, 150, 300, 500];
const TIMES = [0, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0];

interface Case {
  residue: string;
  experiment: Omit<SyntheticExperiment, "stem" | "name" | "hz">;
  /** States observed, when not "a". */
  model?: string;
}

/** One synthetic profile per type with exact derivatives (keys beyond the schema's defaults). */
const CASES: Record<string, Case> = {
  relaxation_nz: { residue: "2N", experiment: { settings: {}, x: TIMES } },
  relaxation_hznz: { residue: "2N", experiment: { settings: {}, x: TIMES } },
  noesyfpgpph19: {
    residue: "2H",
    experiment: {
      settings: {},
      x: [0.05, 0.05, 0.05, 0.05, 0.2, 0.2, 0.2, 0.2, 0.5, 0.5],
      labels: ["aa", "ab", "ba", "bb", "aa", "ab", "ba", "bb", "aa", "bb"],
    },
  },
  shift_15n_sq: { residue: "2N", experiment: { settings: {}, x: [0], scaled: false } },
  shift_13c_sq: { residue: "2CA", experiment: { settings: {}, x: [0], scaled: false } },
  shift_15n_sqmq: { residue: "2N-H", experiment: { settings: {}, x: [0], scaled: false } },
  cest_15n: {
    residue: "2N",
    experiment: { settings: { time_t1: 0.3, carrier: 118, b1_frq: 25 }, x: OFFSETS },
  },
  cest_13c: {
    residue: "2CA",
    experiment: { settings: { time_t1: 0.3, carrier: 56, b1_frq: 25 }, x: OFFSETS },
  },
  cest_15n_cw: {
    residue: "2N",
    experiment: {
      settings: { time_t1: 0.3, carrier: 118, b1_frq: 25, carrier_dec: 8.3, b1_frq_dec: 1000 },
      x: OFFSETS,
    },
  },
  cest_15n_tr: {
    residue: "2N",
    experiment: { settings: { time_t1: 0.3, carrier: 118, b1_frq: 25 }, x: OFFSETS },
  },
  cest_1hn_ap: {
    residue: "2H",
    experiment: { settings: { time_t1: 0.3, carrier: 8.3, b1_frq: 25 }, x: OFFSETS },
  },
  cest_15n_test: {
    residue: "2N",
    experiment: { settings: { time_t1: 0.3, carrier: 118, b1_frq: 25 }, x: OFFSETS },
  },
  cest_1hn_ip_ap: {
    residue: "2H",
    experiment: { settings: { time_t1: 0.2, carrier: 8.3, b1_frq: 25, d1: 0.3 }, x: OFFSETS },
  },
  cest_ch3_1h_ip_ap: {
    residue: "L2HD1",
    experiment: { settings: { time_t1: 0.2, carrier: 0.8, b1_frq: 25, d1: 0.3 }, x: OFFSETS },
  },
  dcest_15n: {
    residue: "2N",
    experiment: {
      settings: { time_t1: 0.1, carrier: 118, sw: 400, pw90: 35e-6, b1_eff: 25 },
      x: OFFSETS,
    },
  },
  dcest_13c: {
    residue: "2CA",
    experiment: {
      settings: { time_t1: 0.1, carrier: 56, sw: 400, pw90: 15e-6, b1_eff: 25, time_equil: 0.01 },
      x: OFFSETS,
    },
  },
  coscest_13c: {
    residue: "2CA",
    experiment: {
      settings: { time_t1: 0.1, carrier: 56, sw: 400, cos_n: 3, cos_res: 6, b1_frq: 25 },
      x: OFFSETS,
    },
  },
  coscest_1hn_ip_ap: {
    residue: "2H",
    experiment: {
      settings: { time_t1: 0.1, carrier: 8.3, sw: 300, cos_n: 2, cos_res: 6, b1_frq: 25, d1: 0.2 },
      x: OFFSETS,
    },
  },
  r1rho_15n_rates: {
    residue: "2N",
    experiment: {
      settings: { carrier: 118, b1_frq: 1000 },
      x: [-800, -300, 0, 300, 800],
      scaled: false,
    },
  },
  r1rho_13c_rates: {
    residue: "2CA",
    experiment: {
      settings: { carrier: 56, b1_frq: 1000 },
      x: [-800, -300, 0, 300, 800],
      scaled: false,
    },
  },
  r1rho_1h_rates: {
    residue: "2H",
    experiment: {
      settings: { carrier: 8.3, b1_frq: 1000 },
      x: [-800, -300, 0, 300, 800],
      scaled: false,
    },
  },
  r1rho_15n: {
    residue: "2N",
    experiment: { settings: { carrier: 118, b1_frq: 1000 }, x: [0, 0.02, 0.05, 0.1] },
  },
  r1rho_13c: {
    residue: "2CA",
    experiment: { settings: { carrier: 56, b1_frq: 1000 }, x: [0, 0.02, 0.05, 0.1] },
  },
  r1rho_1h: {
    residue: "2H",
    experiment: { settings: { carrier: 8.3, b1_frq: 1000 }, x: [0, 0.02, 0.05, 0.1] },
  },
};

const GAUSSIAN = { type: "gaussian", scale: 0.1, res: 3 };
const DEPHASED = { type: "dephasing" };

/** Further paths of the exact types: η blocks, B1 distributions, dephasing, ¹³C multiplets. */
const VARIANTS: [string, string, Case][] = [
  ["calculation = eigenvalue", "r1rho_15n", {
    residue: "2N",
    experiment: {
      settings: { carrier: 118, b1_frq: 1000, calculation: "eigenvalue" },
      x: [0, 0.02, 0.05, 0.1],
    },
  }],
  ["calculation = two_point", "r1rho_15n_rates", {
    residue: "2N",
    experiment: {
      settings: { carrier: 118, b1_frq: 1000, calculation: "two_point", time_t: 0.05 },
      x: [-800, -300, 0, 300, 800],
      scaled: false,
    },
  }],
  ["two_point against the field", "r1rho_13c_rates", {
    residue: "2CA",
    experiment: {
      settings: { carrier: 56.5, calculation: "two_point", time_t: 0.04, x_axis: "b1_frq" },
      x: [300, 600, 1000, 2000],
      scaled: false,
    },
  }],
  ["eta_block = 3", "cest_1hn_ip_ap", {
    residue: "2H",
    experiment: {
      settings: { time_t1: 0.2, carrier: 8.3, b1_frq: 25, d1: 0.3, eta_block: 3 },
      x: OFFSETS,
    },
  }],
  ["dephasing", "cest_1hn_ip_ap", {
    residue: "2H",
    experiment: {
      settings: { time_t1: 0.2, carrier: 8.3, b1_frq: 25, d1: 0.3, b1_distribution: DEPHASED },
      x: OFFSETS,
    },
  }],
  ["gaussian B1, 13C label", "dcest_13c", {
    residue: "2CA",
    experiment: {
      settings: {
        time_t1: 0.1,
        carrier: 56,
        sw: 400,
        pw90: 15e-6,
        b1_eff: 25,
        b1_distribution: GAUSSIAN,
      },
      x: OFFSETS,
      conditions: { label: ["13C"] },
    },
  }],
  ["dephasing", "dcest_15n", {
    residue: "2N",
    experiment: {
      settings: {
        time_t1: 0.1,
        carrier: 118,
        sw: 400,
        pw90: 35e-6,
        b1_eff: 25,
        b1_distribution: DEPHASED,
      },
      x: OFFSETS,
    },
  }],
  ["even cos_n, phase-shifted partial period", "coscest_13c", {
    residue: "2CA",
    experiment: {
      settings: { time_t1: 0.1013, carrier: 56, sw: 400, cos_n: 2, cos_res: 7, b1_frq: 25 },
      x: OFFSETS,
    },
  }],
  ["dephasing, even cos_n, odd periods, partial period", "coscest_13c", {
    residue: "2CA",
    experiment: {
      settings: {
        time_t1: 0.1013,
        carrier: 56,
        sw: 410,
        cos_n: 2,
        cos_res: 7,
        b1_frq: 25,
        b1_distribution: DEPHASED,
      },
      x: OFFSETS,
    },
  }],
];

/** The experiment file's `[experiment]` table with the schema's defaults filled in. */
function withDefaults(name: string, settings: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(EXPERIMENTS[name].schema.keys)) {
    if ("default" in spec && spec.default !== undefined) out[key] = spec.default;
  }
  return { ...out, ...settings };
}

function study(name: string, c: Case = CASES[name]) {
  return simulateStudy({
    model: c.model ?? "2st",
    experiments: [{
      stem: "600mhz",
      name,
      hz: 600,
      ...c.experiment,
      settings: withDefaults(name, c.experiment.settings),
    }],
    residues: [c.residue],
    values: [
      { selector: "KEX_AB", value: 300 },
      { selector: "PB", value: 0.08 },
      { selector: "DW_AB", value: 2.2 },
      { selector: "DW_AB, NUC->H", value: 0.4 },
    ],
  });
}

Deno.test("every experiment type is exact (and has a synthetic check) or listed as differenced", () => {
  for (const t of DIFFERENCED) assert.ok(t in EXPERIMENTS, `${t} is a catalog type`);
  for (const t of CHECKED_ON_FIXTURES) assert.ok(t in EXPERIMENTS, `${t} is a catalog type`);
  for (const name of Object.keys(EXPERIMENTS)) {
    if (DIFFERENCED.has(name) || CHECKED_ON_FIXTURES.has(name)) continue;
    assert.ok(name in CASES, `${name}: exact types need a synthetic case here`);
  }
});

for (const name of Object.keys(EXPERIMENTS).sort()) {
  if (CHECKED_ON_FIXTURES.has(name)) continue;
  if (DIFFERENCED.has(name)) {
    if (!(name in CASES)) continue;
    Deno.test(`${name}: differenced (no derivative routine)`, () => {
      const { study: s } = study(name);
      assert.equal(createCalculator(s, 0).sequence.jacobian, undefined);
    });
    continue;
  }
  Deno.test(`exact Jacobian matches central differences: ${name} (synthetic)`, () => {
    const { study: s, store } = study(name);
    assert.ok(createCalculator(s, 0).sequence.jacobian, `${name} provides exact derivatives`);
    const { columns, worst } = checkExactJacobian(s, store, [0], name);
    console.log(`${name}: ${columns} columns, worst ${worst.toExponential(2)}`);
  });
}

Deno.test("R1ρ analytic approximations (tp02, mp05, dpl94) are differenced", () => {
  for (const calculation of ["tp02", "mp05", "dpl94"]) {
    for (const name of ["r1rho_15n", "r1rho_15n_rates"]) {
      const c = CASES[name];
      const { study: s } = study(name, {
        ...c,
        experiment: { ...c.experiment, settings: { ...c.experiment.settings, calculation } },
      });
      assert.equal(createCalculator(s, 0).sequence.jacobian, undefined, `${name} ${calculation}`);
    }
  }
});

for (const [label, name, c] of VARIANTS) {
  Deno.test(`exact Jacobian matches central differences: ${name}, ${label} (synthetic)`, () => {
    const { study: s, store } = study(name, c);
    const { columns, worst } = checkExactJacobian(s, store, [0], `${name} (${label})`);
    console.log(`${name} (${label}): ${columns} columns, worst ${worst.toExponential(2)}`);
  });
}

Deno.test("exact derivatives dearer than the differences (jacobianCost) are left to differences", () => {
  const { study: s, store } = study("dcest_15n");
  const sub = freeAll(store, s.profiles[0].paramIds);
  const ev = createChunkEvaluator(makeChunk(s, [0]));
  const seq = ev.calculators[0].sequence;
  assert.ok(seq.jacobian && (seq.jacobianCost ?? 0) > 0);
  const byDefault = createGroupProblem(sub, ev, { jacobian: "exact" });
  const every = createGroupProblem(sub, ev, { jacobian: "exact", everyExact: true });
  const n = byDefault.free.length;
  assert.ok(n < seq.jacobianCost!, `${n} free parameters, cost ${seq.jacobianCost}`);
  for (const [p, differenced] of [[byDefault, n], [every, 0]] as const) {
    const f = p.residuals(p.x0);
    const before = p.evaluations();
    p.jacobian(p.x0, f);
    assert.equal(p.evaluations() - before, differenced);
  }
});

Deno.test("delay tangents stay finite for well-separated modes over long delays", () => {
  // e^{(λ_a − λ_b)·t} alone overflows here (1500 s⁻¹ × 0.6 s); the divided differences do not.
  const n = 3;
  const a = Float64Array.of(0, 0, 0, 0, -1500, 40, 0, -40, -1500);
  const dl = Float64Array.of(-1, 2, 0, 3, -1, 0, 0, 1, 0.5);
  const [got] = propagatorTangents(a, 0.6, [{ local: 0, dl, dstart: null }], n);
  const ref = new Float64Array(n * n);
  expmFrechet(null, ref, a, dl, 0.6, createFrechetWorkspace(n));
  for (let i = 0; i < n * n; i++) {
    assert.ok(
      Math.abs(got![i] - ref[i]) <= 1e-12 + 1e-9 * Math.abs(ref[i]),
      `${i}: ${got![i]} vs ${ref[i]}`,
    );
  }
});

Deno.test("the chain's steps survive a parameter at 0 beside larger terms (R2A = R2 − R1_S)", () => {
  // R1 of ¹⁵N at its bound 0 enters R2A_A = R2_A − R1_A(¹⁵N) and R1A_A = R1_A(¹H) + R1_A(¹⁵N): a
  // step relative to |x| alone vanishes in the rounding of R2_A.
  const { study: s, store } = study("cest_1hn_ap");
  const sub = freeAll(store, s.profiles[0].paramIds);
  const id = [...sub.keys()].find((k) => k.startsWith("R1_A, NUC->2N"))!;
  assert.ok(id, "the ¹⁵N R1 parameter");
  sub.get(id)!.value = 1e-13;
  sub.get(id)!.min = 0;
  const ev = createChunkEvaluator(makeChunk(s, [0]));
  const p = createGroupProblem(sub, ev, { jacobian: "exact" });
  const j = p.freeIds.indexOf(id);
  const f = p.residuals(p.x0);
  const je = p.jacobian(p.x0, f);
  // One-sided second-order differences inside the bound: the definitions are linear in it.
  const h = 1e-3;
  const at = (k: number) => {
    const x = p.x0.slice();
    x[j] += k * h;
    return p.residuals(x);
  };
  const [f1, f2] = [at(1), at(2)];
  const n = p.free.length;
  let norm = 0;
  let diff = 0;
  for (let i = 0; i < p.m; i++) {
    const ref = (-3 * f[i] + 4 * f1[i] - f2[i]) / (2 * h);
    norm = Math.max(norm, Math.abs(ref));
    diff = Math.max(diff, Math.abs(je[i * n + j] - ref));
  }
  assert.ok(norm > 0 && diff <= 1e-4 * norm, `exact vs one-sided: ${diff} of ${norm}`);
});
