import { strict as assert } from "node:assert";
import { filterOffsetsMask, pyMod, requireReferencePoint } from "../src/io/cest_data.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { ConfigError } from "../src/config/errors.ts";
import { parseDat, refdataTest } from "./_refdata.ts";

const isRef = (x: number) => Math.abs(x) > 1e4;

Deno.test("pyMod: Python float modulo (pitfall P11)", () => {
  assert.equal(pyMod(7, 5), 2);
  assert.equal(pyMod(-1, 500), 499);
  assert.equal(pyMod(1, -500), -499);
  assert.equal(pyMod(3, Infinity), 3);
  assert.equal(pyMod(-3, Infinity), Infinity);
});

Deno.test("filterOffsetsMask: target = offset + state offset, folded into [min, min + sw)", () => {
  const x = [-2e4, -300, -250, -200, 0, 200, 250, 300];
  const all = () => x.map(() => true);
  // sw = ∞: no folding; width 60 → |x − t| < 30.
  assert.deepEqual(
    filterOffsetsMask(x, all(), [[0, 60]], 250, Infinity, isRef),
    [true, true, true, true, true, true, false, true],
  );
  // A target below the smallest offset is +∞ with sw = ∞: nothing masked.
  assert.deepEqual(filterOffsetsMask(x, all(), [[0, 60]], -1000, Infinity, isRef), all());
  // sw = 500: −1000 folds to ((−1000 + 300) mod 500) − 300 = 0.
  assert.deepEqual(
    filterOffsetsMask(x, all(), [[0, 60]], -1000, 500, isRef),
    [true, true, true, true, false, true, true, true],
  );
  // Several filters; strict inequality: −300 and −200 sit exactly at width/2 from −250.
  assert.deepEqual(
    filterOffsetsMask(x, all(), [[-250, 100], [200, 0.1]], 0, Infinity, isRef),
    [true, true, false, true, true, false, true, true],
  );
});

Deno.test("requireReferencePoint: clear error naming the file and the profile", () => {
  requireReferencePoint([-2e4, 0], isRef, "a.out", "G23N");
  assert.throws(
    () => requireReferencePoint([1e4, 0, -1e4], isRef, "Data/G23N.out", "G23N"),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /^Data\/G23N\.out: CEST profile 'G23N' has no reference point/);
      return true;
    },
  );
});

function study(experiment: string, data: string): string {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_cest_io_" });
  Deno.writeTextFileSync(`${dir}/exp.toml`, experiment);
  Deno.writeTextFileSync(`${dir}/G23N.out`, data);
  Deno.writeTextFileSync(`${dir}/par.toml`, "[CS_A]\nG23N = 120.0\n");
  return dir;
}

const EXP = (extra: string) =>
  `[experiment]\nname = "cest_15n"\ntime_t1 = 0.5\ncarrier = 118.0\nb1_frq = 25.0\n${extra}\n` +
  `[conditions]\nh_larmor_frq = 600.0\n\n[data]\npath = "./"\n` +
  `filter_offsets = [[0.0, 20.0]]\n\n[data.profiles]\nG23N = "G23N.out"\n`;

Deno.test("loadStudy: CEST errors and filter_offsets", () => {
  const rows = "-20000 100 1\n-100 50 1\n121.5 10 1\n135 20 1\n300 60 1\n";
  const ok = study(EXP(""), rows);
  try {
    const { study: s } = loadStudy({
      experiments: [`${ok}/exp.toml`],
      parameters: [`${ok}/par.toml`],
      model: parseModel("2st"),
    });
    // CS_A = 120 ppm is 121.59 Hz from the 118 ppm carrier at 600 MHz: ±10 Hz around it.
    assert.deepEqual(s.profiles[0].mask, [true, true, false, true, true]);
  } finally {
    Deno.removeSync(ok, { recursive: true });
  }
  const noRef = study(EXP(""), "-100 50 1\n0 10 1\n");
  try {
    assert.throws(
      () =>
        loadStudy({
          experiments: [`${noRef}/exp.toml`],
          parameters: [`${noRef}/par.toml`],
          model: parseModel("2st"),
        }),
      /G23N\.out: CEST profile 'G23N' has no reference point/,
    );
  } finally {
    Deno.removeSync(noRef, { recursive: true });
  }
  const badB1 = study(EXP('b1_distribution = { type = "gaussian", res = 100 }'), rows);
  try {
    assert.throws(
      () =>
        loadStudy({
          experiments: [`${badB1}/exp.toml`],
          parameters: [`${badB1}/par.toml`],
          model: parseModel("2st"),
        }),
      /exp\.toml:\d+:\d+: 'res' in \[experiment\.b1_distribution\] must be >= 1 and <= 51/,
    );
  } finally {
    Deno.removeSync(badB1, { recursive: true });
  }
});

refdataTest("filter_offsets masks the same points as ChemEx's CEST_15N fit", (ref) => {
  const folder = `${ref}/fit/CEST_15N`;
  const cwd = Deno.cwd();
  Deno.chdir(folder);
  try {
    const { study: s } = loadStudy({
      experiments: ["Experiments/13hz.toml", "Experiments/26hz.toml"],
      parameters: ["Parameters/parameters.toml"],
      model: parseModel("2st"),
    });
    let masked = 0;
    for (const stem of ["13hz", "26hz"]) {
      const dat = parseDat(Deno.readTextFileSync(`Output/Data/${stem}.dat`));
      const e = s.experiments.findIndex((x) => x.stem === stem);
      for (const p of s.profiles.filter((q) => q.experiment === e)) {
        const rows = dat.get(p.name)!;
        assert.equal(rows.length, p.x.length);
        rows.forEach((r, i) => {
          assert.equal(r.cols[0], p.x[i]);
          assert.equal(p.mask[i], r.used, `${stem} ${p.name} offset ${p.x[i]}`);
          if (!r.used) masked++;
        });
      }
    }
    assert.equal(masked, 25);
  } finally {
    Deno.chdir(cwd);
  }
});
