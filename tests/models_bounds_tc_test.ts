/**
 * ChemEx 2026.09 model defaults (spec §6.1, §6.6): finite default bounds for every model's
 * parameters (explicit file bounds override, a bare value inherits; `--compat 2026.06` keeps
 * the open bounds), and the two `.tc` forms (DWP/DWM and TREF/CS0/CS1/DW0/DW1) read side by side.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { KINETIC_MODELS } from "../src/models/registry.ts";
import { kineticModel, parseModel } from "../src/models/model.ts";
import { allSpinSettings } from "../src/models/spins.ts";
import { finiteDefaultBounds, narrowToDefault } from "../src/models/bounds.ts";
import { loadStudy } from "../src/io/load.ts";
import { profileSettings } from "../src/fit/study.ts";
import { tcFormOf } from "../src/io/tc_form.ts";
import { planToSteps } from "../src/cli/method_steps.ts";
import { planMethod } from "../src/fit/roles.ts";
import { evaluateSettings } from "./_models.ts";
import { expectError, tempWriter } from "./_fixtures.ts";
import { MINI, miniFitArgs, writeMiniStudy } from "./_mini_study.ts";
import { REPO } from "./_refdata.ts";

const write = tempWriter("exfit_bounds_");
const SAMPLE = { temperature: 25, h_larmor_frq: 600, p_total: 1e-3, l_total: 1e-3, d2o: 0.1 };

Deno.test("finite default bounds: every independent parameter of every model is boxed", () => {
  for (const [name, model] of Object.entries(KINETIC_MODELS)) {
    for (const suffix of ["", ".tc", ".mf"]) {
      const spec = parseModel(name + suffix);
      const settings = { ...model.settings(SAMPLE) };
      for (const tcForm of ["tref", "dwp"] as const) {
        for (
          const [pair, ext] of [["nh", ""], ["hn", ""], ["ch", "dq"], ["hc", "tq"], ["cn", ""]]
        ) {
          Object.assign(
            settings,
            allSpinSettings({ model: { ...spec, tcForm }, pair, extension: ext, temperature: 25 }),
          );
        }
      }
      for (const st of Object.values(settings)) {
        if (st.expr !== "") continue;
        const [lo, hi] = narrowToDefault(st.name, st.min, st.max);
        assert.ok(
          Number.isFinite(lo) && Number.isFinite(hi) && lo <= st.value && st.value <= hi,
          `${name}${suffix} ${st.name}: [${lo}, ${hi}] around ${st.value}`,
        );
      }
    }
  }
});

Deno.test("finite default bounds: the spec §6.1 table", () => {
  const expect: [string, [number, number]][] = [
    ["TAUC_A", [0, 1000]],
    ["S2_B", [0, 1]],
    ["KHH_A", [0, 1e6]],
    ["R2_A", [0, 1000]],
    ["R1ADQ_A", [0, 1000]],
    ["R2MQ_A", [0, 1000]],
    ["ETAXY_A", [-1000, 1000]],
    ["MU_A", [-1000, 1000]],
    ["SIGMA_A", [-1000, 1000]],
    ["CS_A", [-100, 300]],
    ["CS0_A", [-100, 300]],
    ["J_A", [-1000, 1000]],
    ["KEX_AB", [0, 1e6]],
    ["KOFF", [0, 1e6]],
    ["KOFF_BC", [0, 1e6]],
    ["KDH_A", [0, 1e6]],
    ["KD", [5e-324, 1]],
    ["KD_APP", [5e-324, 1]],
    ["KD2", [5e-324, 1]],
    ["KEQ", [0, 1e6]],
    ["DH_AB", [-2e5, 2e5]],
    ["DS_B", [-500, 500]],
    ["DW_AB", [-100, 100]],
  ];
  for (const [name, box] of expect) assert.deepEqual(finiteDefaultBounds(name), box, name);
  assert.equal(finiteDefaultBounds("KON_BC"), undefined);
  // Model-specific boxes survive (spec: 4st_binding_3_bound_states KEQ_BC in [0, 100];
  // 3st_binding_cs KEQ_AB in [5e-324, 1e6]).
  const b3 = kineticModel(parseModel("4st_binding_3_bound_states")).settings(SAMPLE);
  assert.deepEqual(narrowToDefault("KEQ_BC", b3.keq_bc.min, b3.keq_bc.max), [0, 100]);
  const cs = kineticModel(parseModel("3st_binding_cs")).settings(SAMPLE);
  assert.deepEqual(narrowToDefault("KEQ_AB", cs.keq_ab.min, cs.keq_ab.max), [5e-324, 1e6]);
});

function load(dir: string, compat?: "2026.06" | "2026.09", model = "2st") {
  return loadStudy({
    experiments: MINI.experiments.map((e) => join(dir, e)),
    parameters: [join(dir, MINI.parameters)],
    model: parseModel(model, compat),
    ...(compat ? { compat } : {}),
  });
}

Deno.test("finite default bounds at load: bare values inherit, explicit bounds override", () => {
  const dir = writeMiniStudy();
  const now = load(dir).store;
  const old = load(dir, "2026.06").store;
  const kex = (s: typeof now) => {
    const p = s.get("KEX_AB")!;
    return [p.min, p.max];
  };
  assert.deepEqual(kex(now), [0, 1e6]);
  assert.deepEqual(kex(old), [0, Infinity]);
  for (const p of now.values()) {
    if (p.vary && !p.expr) assert.ok(Number.isFinite(p.min) && Number.isFinite(p.max), p.id);
  }
  // A bare value above the box it inherits: one error naming the file, line and key.
  const params = Deno.readTextFileSync(join(dir, MINI.parameters));
  const high = writeMiniStudy({
    [MINI.parameters]: params.replace("KEX_AB = 400.0", "KEX_AB = 2e6"),
  });
  const e = expectError(() => load(high));
  assert.match(
    e.message,
    /parameters\.toml:3: KEX_AB = 2000000 lies outside its default bounds \[0, 1000000\] \(ChemEx 2026\.09 finite defaults for the exchange, off or H\/D rate \(s-1\) class/,
  );
  assert.match(e.message, /KEX_AB = \[2000000, 0, 2000000\]/);
  assert.equal(load(high, "2026.06").store.get("KEX_AB")!.value, 2e6);
  // Explicit bounds replace the default box.
  const wide = writeMiniStudy({
    [MINI.parameters]: params.replace("KEX_AB = 400.0", "KEX_AB = [2e6, 0.0, 1e7]"),
  });
  const p = load(wide).store.get("KEX_AB")!;
  assert.deepEqual([p.value, p.min, p.max], [2e6, 0, 1e7]);
});

async function exfit(args: string[]): Promise<void> {
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${REPO}src/cli/main.ts`, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(res.success, new TextDecoder().decode(res.stderr));
}

Deno.test("finite default bounds: a fit from the defaults stays inside finite boxes", async () => {
  const dir = writeMiniStudy();
  const out = join(dir, "Out");
  await exfit(miniFitArgs(dir, out, false));
  const used = parseToml(Deno.readTextFileSync(join(out, "run_info/parameters_used.toml")));
  const fitted = parseToml(Deno.readTextFileSync(join(out, "Parameters/fitted.toml")));
  let n = 0;
  for (const [section, table] of Object.entries(used)) {
    for (const [key, arr] of Object.entries(table as Record<string, number[]>)) {
      const [, lo, hi] = arr;
      assert.ok(Number.isFinite(lo) && Number.isFinite(hi), `${section} ${key}: [${lo}, ${hi}]`);
      const section2 = fitted[section] as Record<string, number> | undefined;
      const v = section2?.[key];
      if (typeof v === "number") {
        assert.ok(v >= lo && v <= hi, `${section} ${key} = ${v} in [${lo}, ${hi}]`);
        n++;
      }
    }
  }
  assert.ok(n >= 5, `fitted parameters checked: ${n}`);
  // 2026.06.1 left them open.
  const outOld = join(dir, "OutOld");
  await exfit([...miniFitArgs(dir, outOld, false), "--compat", "2026.06"]);
  assert.match(
    Deno.readTextFileSync(join(outOld, "run_info/parameters_used.toml")),
    /"KEX_AB" = \[400\.0, 0\.0, inf\]/,
  );
});

/** The mini study at two temperatures (a `.tc` model needs them). */
function tcStudy(parameters: string): string {
  const dir = writeMiniStudy({ [MINI.parameters]: parameters });
  for (const [k, exp] of MINI.experiments.entries()) {
    const path = join(dir, exp);
    const text = Deno.readTextFileSync(path);
    Deno.writeTextFileSync(
      path,
      text.replace("[conditions]\n", `[conditions]\ntemperature = ${k === 0 ? 20 : 30}.0\n`),
    );
  }
  return dir;
}

const COMMON = `[GLOBAL]\nPB = 0.07\nKEX_AB = 400.0\nTAUC_A = 3.0\n`;
const OLD_FORM = `${COMMON}
[CS_A]
10N = 120.0
11N = 121.0
12N = 122.0

[DWP_AB]
10N = 1.0
11N = -2.3
12N = 1.5

[DWM_AB]
10N = 0.04
11N = 0.03
12N = 0.06
`;
/** The same physics in the newest form: DW0 = DWP + TREF·DWM, DW1 = DWM, CS0 = CS_A, CS1 = 0. */
const NEW_FORM = `${COMMON}TREF = 22.0

[CS0_A]
10N = 120.0
11N = 121.0
12N = 122.0

[DW0_AB]
10N = 1.88
11N = -1.64
12N = 2.82

[DW1_AB]
10N = 0.04
11N = 0.03
12N = 0.06
`;

Deno.test(".tc forms: the formulas of spec §6.6", () => {
  const spec = parseModel("2st.tc");
  const ctx = { pair: "nh", extension: "", temperature: 30 };
  const tref = allSpinSettings({ ...ctx, model: { ...spec, tcForm: "tref" } });
  const v = evaluateSettings(tref, {
    tref: 22,
    cs0_i_a: 120,
    cs1_i_a: 0.01,
    dw0_i_ab: 1.88,
    dw1_i_ab: 0.04,
  });
  assert.ok(Math.abs(v.cs_i_a - (120 + 0.01 * 8)) < 1e-12, `CS_A ${v.cs_i_a}`);
  assert.ok(Math.abs(v.dw_i_ab - (1.88 + 0.04 * 8)) < 1e-12, `DW_AB ${v.dw_i_ab}`);
  assert.ok(Math.abs(v.cs_i_b - v.cs_i_a - v.dw_i_ab) < 1e-12);
  assert.deepEqual([tref.tref.value, tref.tref.vary, tref.dw0_i_ab.vary, tref.dw1_i_ab.vary], [
    25,
    false,
    true,
    true,
  ]);
  assert.deepEqual([tref.cs1_i_a.min, tref.cs1_i_a.max, tref.dw1_i_ab.min], [-1, 1, -1]);
  const old = allSpinSettings({ ...ctx, model: { ...spec, tcForm: "dwp" } });
  const w = evaluateSettings(old, { cs_i_a: 120, dwp_i_ab: 1, dwm_i_ab: 0.04 });
  assert.ok(Math.abs(w.dw_i_ab - (1 + 30 * 0.04)) < 1e-12);
  assert.ok(!("tref" in old) && !("dw0_i_ab" in old) && !("dwp_i_ab" in tref));
});

Deno.test(".tc forms: the parameter files choose; mixing them is an error", () => {
  const e = (selector: string, line = 2) => ({ selector, value: 1, file: "p.toml", line });
  assert.equal(tcFormOf([e("DWP_AB, NUC->1N")]).form, "dwp");
  assert.match(tcFormOf([e("DWP_AB, NUC->1N")]).notice!, /DWP\/DWM form .*p\.toml:2/);
  assert.equal(tcFormOf([e("CS_A, NUC->1N")]).form, "dwp");
  assert.equal(tcFormOf([e("TREF")]).form, "tref");
  assert.equal(tcFormOf([e("DW1_AB, NUC->1N")]).form, "tref");
  assert.equal(tcFormOf([e("PB")]).form, "tref");
  assert.equal(tcFormOf([e("PB")], "2026.06").form, "dwp");
  const mixed = expectError(() => tcFormOf([e("DWM_AB, NUC->1N", 4), e("DW0_AB, NUC->1N", 9)]));
  assert.match(mixed.message, /^p\.toml:9: the \.tc parameters mix two forms/);
  assert.match(mixed.message, /p\.toml:4 \(DWM_AB, NUC->1N\)/);
  assert.match(mixed.message, /DW0 = DWP \+ TREF·DWM, DW1 = DWM/);
  const cs = expectError(() => tcFormOf([e("CS0_A, NUC->1N", 3), e("CS_A, NUC->1N", 7)]));
  assert.match(cs.message, /CS_A is derived in the newer form/);
  // Through a study load: the file and line of the newer-form key.
  const dir = tcStudy(OLD_FORM + "\n[DW1_AB]\n10N = 0.01\n");
  const err = expectError(() => load(dir, undefined, "2st.tc"));
  assert.match(err.message, /parameters\.toml:\d+: the \.tc parameters mix two forms/);
});

Deno.test(".tc forms: both give the same intensities where they describe the same thing", async () => {
  const outs: string[] = [];
  for (const text of [OLD_FORM, NEW_FORM]) {
    const dir = tcStudy(text);
    const out = join(dir, "Sim");
    const args = miniFitArgs(dir, out, false);
    args[0] = "simulate";
    await exfit([...args.slice(0, -2), "-d", "2st.tc"]);
    outs.push(out);
  }
  let files = 0;
  for (const e of Deno.readDirSync(join(outs[0], "Data"))) {
    const [a, b] = outs.map((o) => Deno.readTextFileSync(join(o, "Data", e.name)));
    assert.equal(b, a, e.name);
    files++;
  }
  assert.equal(files, 2);
  const fixed = Deno.readTextFileSync(join(outs[1], "Parameters/fixed.toml"));
  assert.match(fixed, /TREF += {2}2\.20000e\+01 # \(fixed\)/);
  assert.match(fixed, /\[DW0_AB\]/);
});

Deno.test(".tc, newest form: TREF is a protected constant in method roles", () => {
  const loaded = load(tcStudy(NEW_FORM), undefined, "2st.tc");
  assert.equal(loaded.study.model.tcForm, "tref");
  const dw1 = [...loaded.store.values()].find((p) => p.pname.name === "DW1_AB")!;
  assert.ok(dw1.vary && Number.isFinite(dw1.min));
  for (const roles of ['{ FIT = ["TREF"] }', '{ CONSTRAIN = ["[TREF] = 20.0"] }']) {
    const { steps } = planToSteps([
      write("m.toml", `FORMAT_VERSION = 2\n[S]\nROLES = [${roles}]\n`),
    ]);
    assert.throws(
      () => planMethod(loaded.store, loaded.study, steps),
      /step \[S\]: .*TREF is a protected model constant/,
    );
  }
});

/** The mini study as TROSY CPMG (in-phase/anti-phase terms), with extra [GLOBAL] lines. */
function trosyStudy(extra: string): string {
  const dir = writeMiniStudy();
  const params = Deno.readTextFileSync(join(dir, MINI.parameters));
  Deno.writeTextFileSync(
    join(dir, MINI.parameters),
    params.replace("[GLOBAL]\n", `[GLOBAL]\n${extra}\n`),
  );
  for (const exp of MINI.experiments) {
    const path = join(dir, exp);
    Deno.writeTextFileSync(path, Deno.readTextFileSync(path).replace("cpmg_15n_ip", "cpmg_15n_tr"));
  }
  return dir;
}

Deno.test("relaxation feasibility: a non-semidefinite start fails before fitting, naming file, line, key", () => {
  const ok = load(trosyStudy("ETAXY_A = 1.0"));
  assert.ok([...ok.store.keys()].some((id) => id.startsWith("ETAXY_A")));
  const e = expectError(() => load(trosyStudy("ETAXY_A = 50.0")));
  assert.match(e.message, /parameters\.toml:2: relaxation rates of state A in profile 10N/);
  assert.match(
    e.message,
    /\[ETAXY_A, NUC->10N, B0->500\.0MHZ\]² <= \[R2_A, NUC->10N, B0->500\.0MHZ\]·\[R2A_A/,
  );
  assert.match(e.message, /positive semidefinite/);
  assert.equal(e.key, "ETAXY_A");
  const z = expectError(() => load(trosyStudy("ETAZ_A = 40.0")));
  assert.match(z.message, /parameters\.toml:2: .*\[ETAZ_A, NUC->10N, B0->500\.0MHZ\]² <= \[R1_A/);
  const neg = expectError(() => load(trosyStudy("R1_A = 30.0")));
  assert.match(neg.message, /R2A_A, NUC->10N, B0->500\.0MHZ = -\d.* must be >= 0/);
});

Deno.test("relaxation feasibility: KHH and D are never negative, even with --compat 2026.06", () => {
  const dir = writeMiniStudy();
  const params = Deno.readTextFileSync(join(dir, MINI.parameters));
  Deno.writeTextFileSync(
    join(dir, MINI.parameters),
    params.replace("[GLOBAL]\n", "[GLOBAL]\nKHH_A = -2.0\n"),
  );
  const e = expectError(() => load(dir, "2026.06", "2st.mf"));
  assert.match(
    e.message,
    /parameters\.toml:2: .*KHH_A, NUC->10 = -2\.0 must be >= 0; a 1H-1H exchange rate/,
  );
});

Deno.test(".tc, newest form: a shift experiment's CS_A role goes to CS0_A and CS1_A", () => {
  const exp = {
    stem: "shifts",
    file: "shifts.toml",
    name: "shift_15n_sq",
    settings: {},
    conditions: { temperature: 30, h_larmor_frq: 800, label: [] },
    observed: ["a"],
    start: null,
    scaled: false,
  };
  const now = profileSettings(exp, { ...parseModel("2st.tc"), tcForm: "tref" });
  assert.deepEqual([now.cs0_i_a.vary, now.cs1_i_a.vary], [true, true]);
  assert.match(now.cs_i_a.expr, /^\{cs0_i_a\} \+ \{cs1_i_a\} \* \(30\.0 - \{tref\}\)$/);
  const old = profileSettings(exp, { ...parseModel("2st.tc"), tcForm: "dwp" });
  assert.deepEqual([old.cs_i_a.vary, old.cs_i_a.expr], [true, ""]);
});
