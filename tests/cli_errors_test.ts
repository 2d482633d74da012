import { strict as assert } from "node:assert";
import { join } from "node:path";
import { main } from "../src/cli/main.ts";

const EXPERIMENT = `[experiment]
name = "cpmg_15n_ip"
carrier = 118.0
pw90 = 40e-6
time_t2 = 0.04

[conditions]
h_larmor_frq = 600.0

[data]
path = "./"

[data.profiles]
1N = "1N.out"
`;
const DATA = "0 1000 10\n1 800 10\n2 850 10\n0 1010 10\n";

/** A minimal valid study in a temp dir, optionally broken by `edit`. */
function study(edit: (dir: string) => void = () => {}): string {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_cli_" });
  Deno.writeTextFileSync(join(dir, "exp.toml"), EXPERIMENT);
  Deno.writeTextFileSync(join(dir, "1N.out"), DATA);
  Deno.writeTextFileSync(join(dir, "par.toml"), "[GLOBAL]\nPB = 0.05\n[CS_A]\n1N = 120.0\n");
  edit(dir);
  return dir;
}

/** Run the CLI capturing stderr; the output folder holds a previous result that must survive. */
async function run(dir: string, args: string[] = []): Promise<{ code: number; err: string }> {
  const out = join(dir, "Output");
  Deno.mkdirSync(join(out, "Parameters"), { recursive: true });
  Deno.writeTextFileSync(join(out, "Parameters", "fitted.toml"), "previous result\n");
  const lines: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    const code = await main([
      "fit",
      "-e",
      join(dir, "exp.toml"),
      "-p",
      join(dir, "par.toml"),
      "-o",
      out,
      "--plot",
      "nothing",
      ...args,
    ]);
    return { code, err: lines.join("\n") };
  } finally {
    console.error = original;
  }
}

function assertUntouched(dir: string): void {
  const out = join(dir, "Output");
  assert.equal(Deno.readTextFileSync(join(out, "Parameters", "fitted.toml")), "previous result\n");
  assert.deepEqual([...Deno.readDirSync(out)].map((e) => e.name), ["Parameters"]);
}

Deno.test("a valid study fits and replaces the previous output", async () => {
  const dir = study();
  const { code } = await run(dir);
  assert.equal(code, 0);
  assert.match(Deno.readTextFileSync(join(dir, "Output", "statistics.toml")), /chi-square/);
  assert.notEqual(
    Deno.readTextFileSync(join(dir, "Output", "Parameters", "fitted.toml")),
    "previous result\n",
  );
});

Deno.test("missing experiment file: named, exit 1, nothing written", async () => {
  const dir = study((d) => Deno.removeSync(join(d, "exp.toml")));
  const { code, err } = await run(dir);
  assert.equal(code, 1);
  assert.match(err, /exp\.toml/);
  assertUntouched(dir);
});

Deno.test("malformed TOML: file, line and column", async () => {
  const dir = study((d) =>
    Deno.writeTextFileSync(join(d, "exp.toml"), EXPERIMENT.replace("pw90 = 40e-6", "pw90 = = 4"))
  );
  const { code, err } = await run(dir);
  assert.equal(code, 1);
  assert.match(err, /exp\.toml:4:\d+:/);
  assertUntouched(dir);
});

Deno.test("unknown experiment name: file, line and the closest name", async () => {
  const dir = study((d) =>
    Deno.writeTextFileSync(
      join(d, "exp.toml"),
      EXPERIMENT.replace('"cpmg_15n_ip"', '"cpmg_15n_iq"'),
    )
  );
  const { code, err } = await run(dir);
  assert.equal(code, 1);
  assert.match(err, /exp\.toml:2:/);
  assert.match(err, /cpmg_15n_ip/);
  assertUntouched(dir);
});

Deno.test("unknown experiment key: the key, the file and the closest valid key", async () => {
  const dir = study((d) =>
    Deno.writeTextFileSync(join(d, "exp.toml"), EXPERIMENT.replace("time_t2", "time_t3"))
  );
  const { code, err } = await run(dir);
  assert.equal(code, 1);
  assert.match(err, /exp\.toml:5:/);
  assert.match(err, /time_t3/);
  assert.match(err, /time_t2/);
  assertUntouched(dir);
});

Deno.test("non-numeric data row: the data file and the line", async () => {
  const dir = study((d) => Deno.writeTextFileSync(join(d, "1N.out"), DATA + "3 abc 10\n"));
  const { code, err } = await run(dir);
  assert.equal(code, 1);
  assert.match(err, /1N\.out:5/);
  assertUntouched(dir);
});

Deno.test("profile listed without its data file: the experiment file, line and path", async () => {
  const dir = study((d) => Deno.removeSync(join(d, "1N.out")));
  const { code, err } = await run(dir);
  assert.equal(code, 1);
  assert.match(err, /exp\.toml:14:/);
  assert.match(err, /1N\.out/);
  assertUntouched(dir);
});

Deno.test("unknown model: named with the list of models", async () => {
  const dir = study();
  const { code, err } = await run(dir, ["-d", "2sx"]);
  assert.equal(code, 1);
  assert.match(err, /unknown model "2sx"/);
  assertUntouched(dir);
});

Deno.test("a key of a sibling experiment is ignored with a warning, as ChemEx does", async () => {
  const dir = study((d) =>
    Deno.writeTextFileSync(
      join(d, "exp.toml"),
      EXPERIMENT.replace("time_t2 = 0.04", "time_t2 = 0.04\ntaub = 0.00268"),
    )
  );
  const { code, err } = await run(dir);
  assert.equal(code, 0);
  assert.match(err, /key 'taub' is not used by 'cpmg_15n_ip' and is ignored/);
});
