/**
 * Real CPMG data fitted by other programs (`../shared/refdata/inputs/external`, converted to
 * ChemEx-format studies): every variant runs, fits inside the data's noise, and gives kinetics that
 * agree where the physics says they must — the same residue measured on ¹⁵N and on ¹H, the
 * converted R2eff against the native intensities, ideal against 40 µs pulses. Results:
 * docs/external.md.
 */
import { strict as assert } from "node:assert";
import { parse } from "smol-toml";
import { readFitted, refdataTest, runExfit } from "./_refdata.ts";

interface Fitted {
  value: number;
  error: number;
}

/** A fitted value with its error from `fitted.toml` ("SECTION/KEY", e.g. "KEX_AB/70"). */
function fitted(out: string, key: string): Fitted {
  const p = readFitted(`${out}/Parameters/fitted.toml`).get(key);
  assert.ok(p && p.err !== null, `${out}/Parameters/fitted.toml: no ${key} with an error`);
  return { value: p.value, error: p.err };
}

function statistics(out: string): { chisqr: number; redchi: number } {
  const s = parse(Deno.readTextFileSync(`${out}/statistics.toml`)) as Record<string, number>;
  return { chisqr: s["chi-square"], redchi: s["reduced-chi-square"] };
}

/** |a − b| in combined standard errors. */
function sigmas(a: Fitted, b: Fitted): number {
  return Math.abs(a.value - b.value) / Math.hypot(a.error, b.error);
}

const HANSEN = "inputs/external/HANSEN_2008_15N_CPMG";
const KORZHNEV_N = "inputs/external/KORZHNEV_2005_15N_SQ_CPMG";
const KORZHNEV_H = "inputs/external/KORZHNEV_2005_1H_SQ_CPMG";
const THREE_FIELDS = ["500mhz", "600mhz", "800mhz"].map((f) => `Experiments/${f}.toml`);

function hansen(refdata: string, experiments: string): Promise<string> {
  return runExfit(`${refdata}/${HANSEN}`, [
    "fit",
    "-e",
    `${experiments}/500mhz.toml`,
    `${experiments}/800mhz.toml`,
    "-p",
    "Parameters/parameters.toml",
    "-m",
    "Methods/method.toml",
    "-d",
    "2st.rs",
  ], ["--plot", "nothing"]);
}

refdataTest(
  "external: Hansen 2008 ¹⁵N CPMG, converted and native data and 40 µs pulses",
  async (r) => {
    const [converted, native, pw40] = await Promise.all(
      ["Experiments", "Experiments_native", "Experiments_pw90_40us"].map((e) => hansen(r, e)),
    );
    for (const out of [converted, native, pw40]) {
      const { chisqr, redchi } = statistics(out);
      assert.ok(Number.isFinite(chisqr) && redchi < 3, `${out}: reduced χ² ${redchi}`);
      for (const res of ["70", "71"]) {
        for (const name of ["KEX_AB", "PB"]) {
          const p = fitted(out, `${name}/${res}`);
          assert.ok(p.value > 0 && p.error > 0 && p.error < p.value, `${name} ${res}: ${p.value}`);
        }
      }
    }
    // Residue 70 is well determined: the three variants agree within their errors.
    for (const name of ["KEX_AB", "PB"]) {
      const a = fitted(converted, `${name}/70`);
      assert.ok(
        sigmas(a, fitted(native, `${name}/70`)) < 2,
        `${name} 70: converted against native`,
      );
      assert.ok(
        sigmas(a, fitted(pw40, `${name}/70`)) < 0.5,
        `${name} 70: ideal against 40 µs pulses`,
      );
    }
    const dw = fitted(converted, "DW_AB/70N");
    assert.ok(Math.abs(dw.value) > 5 && Math.abs(dw.value) < 6.5, `DW_AB 70N = ${dw.value}`);
  },
);

refdataTest(
  "external: Korzhnev 2005 Fyn SH3 D9, ¹⁵N and ¹H SQ CPMG give one exchange",
  async (r) => {
    const common = ["-p", "Parameters/parameters.toml", "-m", "Methods/method.toml"];
    const n15 = await runExfit(`${r}/${KORZHNEV_N}`, [
      "fit",
      "-e",
      ...THREE_FIELDS,
      ...common,
      "-d",
      "2st.rs",
    ], ["--plot", "nothing"]);
    const h1 = await runExfit(`${r}/${KORZHNEV_H}`, ["fit", "-e", ...THREE_FIELDS, ...common], [
      "--plot",
      "nothing",
    ]);
    for (const out of [n15, h1]) {
      const { redchi } = statistics(out);
      assert.ok(redchi < 3, `${out}: reduced χ² ${redchi}`);
    }
    // The same exchange seen through two nuclei: kex and pB within two combined errors.
    const kexN = fitted(n15, "KEX_AB/D9");
    const pbN = fitted(n15, "PB/D9");
    const kexH = fitted(h1, "GLOBAL/KEX_AB");
    const pbH = fitted(h1, "GLOBAL/PB");
    assert.ok(sigmas(kexN, kexH) < 2, `kex ${kexN.value} ± ${kexN.error} / ${kexH.value}`);
    assert.ok(sigmas(pbN, pbH) < 2, `pB ${pbN.value} ± ${pbN.error} / ${pbH.value}`);
    assert.ok(kexN.value > 200 && kexN.value < 700, `kex ${kexN.value}`);
  },
);
