import { strict as assert } from "node:assert";
import { refdataTest, referenceCommand, runExfit } from "./_refdata.ts";
import {
  calculatedValues,
  compareDatFile,
  copyDir,
  evaluateProfile,
  loadFixture,
  methylKernelTests,
} from "./_methyl.ts";
import { tqWaveNumberSq } from "../src/experiments/catalog/cpmg_ch3_1h_tq_diff.ts";

const FOLDER = "simulate/CPMG_CH3_1H_TQ_DIFF";

// ChemEx's 600/800 MHz files of this fixture had `gradient = 0.0` (non-gradient data), which
// ChemEx 2026.06 rejects; the fixture reads 40.0 instead. Gradients are in T/m (D in µm²/s), so
// 40 T/m attenuates the CPMG points by e^(−4·k²·D·1e−12·T) ≈ e^(−16000): every intensity
// underflows to 0 and ChemEx's scale 0/0 prints NaN. Only the gradient file is comparable.
refdataTest(
  `simulate ${FOLDER}: gradient file matches ChemEx to 1e-6, NaN files are finite`,
  async (refdata) => {
    const folder = `${refdata}/${FOLDER}`;
    const out = await runExfit(folder, referenceCommand(folder));
    try {
      compareDatFile(
        `${folder}/OutputSim/Data/800mhz_grad.dat`,
        `${out}/Data/800mhz_grad.dat`,
        1e-6,
      );
      for (const f of ["600mhz.dat", "800mhz.dat"]) {
        const theirs = calculatedValues(`${folder}/OutputSim/Data/${f}`);
        const ours = calculatedValues(`${out}/Data/${f}`);
        assert.ok(theirs.every((x) => Number.isNaN(x)), `${f}: ChemEx's values are NaN`);
        assert.equal(ours.length, theirs.length, `${f}: row count`);
        assert.ok(ours.every((x) => Number.isFinite(x)), `${f}: every value finite`);
      }
    } finally {
      Deno.removeSync(out, { recursive: true });
    }
  },
);

refdataTest(
  `${FOLDER} with ChemEx's original gradient = 0.0 runs and gives finite, D-independent intensities`,
  async (refdata) => {
    const dir = Deno.makeTempDirSync({ prefix: "exfit_tqdiff_" });
    try {
      copyDir(`${refdata}/${FOLDER}`, `${dir}/f`);
      for (const f of ["600mhz.toml", "800mhz.toml"]) {
        const path = `${dir}/f/Experiments/${f}`;
        const text = Deno.readTextFileSync(path);
        assert.match(text, /gradient = 40\.0/);
        Deno.writeTextFileSync(path, text.replace("gradient = 40.0", "gradient = 0.0"));
      }
      const folder = `${dir}/f`;
      const out = await runExfit(folder, referenceCommand(folder));
      for (const f of ["600mhz.dat", "800mhz.dat"]) {
        const values = calculatedValues(`${out}/Data/${f}`);
        assert.ok(values.length > 0 && values.every((x) => Number.isFinite(x) && x > 0), f);
      }
      const l = loadFixture(folder, ["Experiments/800mhz.toml"]);
      const x = [0, 1, 2, 10, 40, -1];
      const base = evaluateProfile(l, 0, x);
      const other = evaluateProfile(l, 0, x, { d_a: 1000, d_b: 10 });
      base.forEach((v, i) => assert.ok(Math.abs(v - other[i]) <= 1e-12 * Math.abs(v), `x=${x[i]}`));
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

// With D the same in both states the diffusion term is a multiple of the identity: it commutes
// with everything and each element of length t at weight c only multiplies the signal by
// e^(−c·k²·D·1e−12·t). Summed over the sequence (τ, δ and the pulses of both gradient blocks,
// the CPMG period of length T + 2·pw90 at c = 4), I(g)/I(0) = e^(−k²·D·1e−12·S) with
// S = 16δ/3 + 6τ + 16·pw90 + 4T for CPMG points and 4T less for the reference.
refdataTest(
  `${FOLDER}: diffusion attenuation is the Stejskal–Tanner factor and → 1 as g → 0`,
  (refdata) => {
    const l = loadFixture(`${refdata}/${FOLDER}`, ["Experiments/800mhz_grad.toml"]);
    const settings = l.study.experiments[0].settings;
    const [deltaS, tauS, pw90S, timeT2S] = ["delta", "tau", "pw90", "time_t2"].map((k) =>
      settings[k] as number
    );
    const x = [0, 1, 3, 10, 40, -1];
    const dValue = 123.0;
    const edit = { d_a: dValue, d_b: dValue };
    for (const gradient of [0.306, 0.05, 1e-4]) {
      settings.gradient = 0;
      const i0 = evaluateProfile(l, 1, x, edit);
      settings.gradient = gradient;
      const ig = evaluateProfile(l, 1, x, edit);
      const k2 = tqWaveNumberSq(gradient, deltaS);
      x.forEach((ncyc, i) => {
        const s = 16 * deltaS / 3 + 6 * tauS + 16 * pw90S + (ncyc === 0 ? 0 : 4 * timeT2S);
        const expected = Math.exp(-k2 * dValue * 1e-12 * s);
        const ratio = ig[i] / i0[i];
        assert.ok(
          Math.abs(ratio - expected) <= 1e-9,
          `g=${gradient} ncyc=${ncyc}: ${ratio} vs ${expected}`,
        );
        if (gradient === 1e-4) assert.ok(Math.abs(ratio - 1) < 1e-6);
      });
    }
  },
);

// Settings and branches no fixture covers, against ChemEx's own sequence code (HEAD a606da35)
// run on the same local values (tests/_methyl.ts#methylValues).
methylKernelTests("cpmg_ch3_1h_tq_diff", [
  {
    label: "composite, D_B != D_A",
    pair: "hc",
    settings: { "time_t2": 0.03, "carrier": 0.8, "pw90": 1.1e-05, "delta": 0.001, "gradient": 0.3 },
    ncycs: [0, 1, 2, 3, 5, 10, 24],
    expected: [
      -0.6578021063434218,
      -0.09503712940914939,
      -0.09452335743409918,
      -0.09646389232596894,
      -0.0975041706763162,
      -0.09696389416052066,
      -0.1572336611495287,
    ],
  },
  {
    label: "IP/AP, plain 180s, tau, tauc",
    pair: "hc",
    settings: {
      "time_t2": 0.03,
      "carrier": 0.8,
      "pw90": 1.1e-05,
      "delta": 0.001,
      "gradient": 0.12,
      "ipap_flg": true,
      "comp180_flg": false,
      "tau": 0.0006,
      "tauc": 0.0007,
    },
    ncycs: [0, 1, 2, 3, 5, 10, 24],
    expected: [
      -0.6484410192344,
      -0.16695623426683415,
      -0.16688300537986214,
      -0.16866512545969942,
      -0.1731185326897928,
      -0.1748058739747153,
      -0.27847392118071723,
    ],
  },
]);
