/**
 * Issue 12: every hostile or careless input named in the issue gives one clear error (exit 1,
 * message naming the file and the key or line) within 2 s — no hang, no NaN written with exit 0.
 * Runs `exfit fit` in-process on a small study built by the test.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { main } from "../src/cli/main.ts";
import { MINI, miniFitArgs, miniStudyFiles, writeMiniStudy } from "./_mini_study.ts";

interface Case {
  name: string;
  /** File (relative) and how to change its text. */
  file: string;
  edit: (text: string) => string;
  /** The message must match this (and always names the file). */
  expect: RegExp;
  args?: string[];
}

const EXP = MINI.experiments[0];
const PAR = MINI.parameters;
const MET = MINI.method;
const DATA = "Data/500MHz/10N-HN.out";
const sub = (from: string | RegExp, to: string) => (t: string) => {
  const out = t.replace(from, to);
  if (out === t) throw new Error(`test edit did not apply: ${from}`);
  return out;
};
const addToStep2 = (line: string) => sub('INCLUDE = "ALL"', `INCLUDE = "ALL"\n${line}`);

const CASES: Case[] = [
  // Hangs
  {
    name: "carrier = inf",
    file: EXP,
    edit: sub("carrier = 118.5", "carrier = inf"),
    expect: /'carrier' in \[experiment\] must be a finite number >= -1000 and <= 1000, got inf/,
  },
  {
    name: "carrier = 1e308",
    file: EXP,
    edit: sub("carrier = 118.5", "carrier = 1e308"),
    expect: /'carrier'.*>= -1000 and <= 1000/,
  },
  {
    name: "carrier = 1e400",
    file: EXP,
    edit: sub("carrier = 118.5", "carrier = 1e400"),
    expect: /'carrier'.*finite/,
  },
  {
    name: "PB = inf",
    file: PAR,
    edit: sub("PB = 0.07", "PB = inf"),
    expect: /'PB' in \[GLOBAL\].*finite/,
  },
  {
    name: "shift 1e400",
    file: PAR,
    edit: sub("10N = 120.0", "10N = 1e400"),
    expect: /'10N' in \[CS_A\].*finite/,
  },
  {
    name: "ncyc = inf",
    file: DATA,
    edit: sub(/^4\.0 /m, "inf "),
    expect: /ncyc \(column 1\).*finite/,
  },
  { name: "ncyc = 1e300", file: DATA, edit: sub(/^4\.0 /m, "1e300 "), expect: /ncyc \(column 1\)/ },
  {
    name: "CONSTRAINTS 1/0",
    file: MET,
    edit: addToStep2('CONSTRAINTS = ["[DW_AB] = 1/0"]'),
    expect: /CONSTRAINTS entry "\[DW_AB\] = 1\/0" gives .*Infinity/,
  },
  {
    name: "CONSTRAINTS log(0)",
    file: MET,
    edit: addToStep2('CONSTRAINTS = ["[DW_AB] = log(0)"]'),
    expect: /finite value/,
  },
  {
    name: "CONSTRAINTS 10 ** 400",
    file: MET,
    edit: addToStep2('CONSTRAINTS = ["[DW_AB] = 10 ** 400"]'),
    expect: /finite value/,
  },
  {
    name: "CONSTRAINTS exp(1000)",
    file: MET,
    edit: addToStep2('CONSTRAINTS = ["[DW_AB] = exp(1000)"]'),
    expect: /finite value/,
  },
  {
    name: "CONSTRAINTS max()",
    file: MET,
    edit: addToStep2('CONSTRAINTS = ["[DW_AB] = max()"]'),
    expect: /finite value/,
  },
  {
    name: "GRID lin(1e308, -1e308, 3)",
    file: MET,
    edit: addToStep2('GRID = ["[DW_AB] = lin(1e308, -1e308, 3)"]'),
    expect: /GRID .*1e308 must be a finite number/,
  },
  {
    name: "2e7-character experiment name",
    file: EXP,
    edit: sub('name = "cpmg_15n_ip"', `name = "${"x".repeat(2e7)}"`),
    expect:
      /500mhz\.toml: the file is \d+ bytes long; at most 8388608 are read \(raise with EXFIT_LIMIT_TOML_BYTES\)/,
  },
  {
    name: "300-character experiment name",
    file: EXP,
    edit: sub('name = "cpmg_15n_ip"', `name = "${"x".repeat(300)}"`),
    expect: /experiment name "x+…" is 300 characters long; at most 256/,
  },
  {
    name: "MC = 1e9",
    file: MET,
    edit: addToStep2("STATISTICS = { MC = 1000000000 }"),
    expect:
      /MC = 1000000000 exceeds the limit of 100000 \(raise with EXFIT_LIMIT_STATISTICS_COUNT\)/,
  },
  // Silent NaN and nonsense
  {
    name: "carrier = nan",
    file: EXP,
    edit: sub("carrier = 118.5", "carrier = nan"),
    expect: /'carrier'.*finite.*got nan/,
  },
  {
    name: "pw90 = inf",
    file: EXP,
    edit: sub("pw90 = 40.0e-6", "pw90 = inf"),
    expect: /'pw90'.*finite/,
  },
  {
    name: "h_larmor_frq = 1e9",
    file: EXP,
    edit: sub("h_larmor_frq = 500.0", "h_larmor_frq = 1e9"),
    expect: /'h_larmor_frq' in \[conditions\] must be > 0 and <= 2000/,
  },
  {
    name: "h_larmor_frq = 0",
    file: EXP,
    edit: sub("h_larmor_frq = 500.0", "h_larmor_frq = 0"),
    expect: /'h_larmor_frq'.*> 0/,
  },
  { name: "PB = nan", file: PAR, edit: sub("PB = 0.07", "PB = nan"), expect: /'PB'.*finite.*nan/ },
  {
    name: "KEX_AB = 1e30",
    file: PAR,
    edit: sub("KEX_AB = 400.0", "KEX_AB = 1e30"),
    expect: /'KEX_AB'.*magnitude at most/,
  },
  {
    name: "NaN intensity",
    file: DATA,
    edit: sub(/^(1\.0 +)\S+/m, "$1nan"),
    expect: /intensity \(column 2\) must be a finite number/,
  },
  {
    name: "CONSTRAINTS 0/0",
    file: MET,
    edit: addToStep2('CONSTRAINTS = ["[DW_AB] = 0/0"]'),
    expect: /NaN; a constraint must give a finite value/,
  },
  {
    name: "CONSTRAINTS sqrt(-1)",
    file: MET,
    edit: addToStep2('CONSTRAINTS = ["[DW_AB] = sqrt(-1)"]'),
    expect: /finite value/,
  },
  {
    name: "inverted bounds",
    file: PAR,
    edit: sub("PB = 0.07", "PB = [0.07, 0.5, 0.01]"),
    expect: /bounds are in the wrong order/,
  },
  {
    name: "PB = 1.5",
    file: PAR,
    edit: sub("PB = 0.07", "PB = 1.5"),
    expect: /PB = 1\.5 is outside its physical range \[0, 1\]/,
  },
  {
    name: "value outside its bounds",
    file: PAR,
    edit: sub("PB = 0.07", "PB = [0.07, 0.1, 0.2]"),
    expect: /outside its bounds \[0\.1, 0\.2\]/,
  },
  {
    name: "KEX_AB = -400",
    file: PAR,
    edit: sub("KEX_AB = 400.0", "KEX_AB = -400"),
    expect: /KEX_AB = -400 is outside its physical range \[0, inf\]/,
  },
  {
    name: "time_t2 = 0",
    file: EXP,
    edit: sub("time_t2 = 30.0e-3", "time_t2 = 0"),
    expect: /'time_t2'.*> 0/,
  },
  {
    name: "non-integer ncyc",
    file: DATA,
    edit: sub(/^4\.0 /m, "4.5 "),
    expect: /ncyc \(column 1\) must be a whole number/,
  },
  {
    name: "unknown [table]",
    file: EXP,
    edit: sub("[data]\n", "[dta]\nx = 1\n\n[data]\n"),
    expect: /unknown table \[dta\].*did you mean 'data'/,
  },
  {
    name: "empty profile key",
    file: EXP,
    edit: sub('10N = "10N-HN.out"', '"" = "10N-HN.out"'),
    expect: /empty profile key/,
  },
  {
    name: "INCLUDE = []",
    file: MET,
    edit: sub("INCLUDE = [10, 11]", "INCLUDE = []"),
    expect: /step \[STEP1\] selects no profile/,
  },
  {
    name: "--include matching nothing",
    file: MET,
    edit: (t) => t,
    args: ["--include", "999"],
    expect: /--include 999.*select none of the profiles/,
  },
  // Numerics guard: finite inputs whose model evaluation is not finite
  {
    name: "model evaluation gives NaN",
    file: PAR,
    edit: sub("TAUC_A = 3.0", "TAUC_A = 3.0\nR2_A = [1e12, 0.0, 1e13]"),
    expect:
      /500mhz\.toml: model evaluation of profile 10N at the starting values of step \[STEP1\] gave NaN at point \d+; parameters: .*r2_i_a = 1000000000000/,
  },
  // Messages
  {
    name: "deep constraint",
    file: MET,
    edit: addToStep2(`CONSTRAINTS = ["[DW_AB] = ${"(".repeat(1000)}1${")".repeat(1000)}"]`),
    expect: /CONSTRAINTS entry .*nested more than 200 levels deep/,
  },
  {
    name: "long constraint",
    file: MET,
    edit: addToStep2(`CONSTRAINTS = ["[DW_AB] = ${Array(20000).fill("1").join("+")}"]`),
    expect: /characters long; at most 10000/,
  },
  {
    name: "a key named __proto__",
    file: EXP,
    edit: sub("carrier = 118.5", "carrier = 118.5\n__proto__ = 1"),
    expect: /500mhz\.toml:\d+:1: unknown key '__proto__' in \[experiment\]/,
  },
  {
    name: "an unknown key in [conditions]",
    file: EXP,
    edit: sub("h_larmor_frq = 500.0", "h_larmor_frq = 500.0\ntemperatur = 25.0"),
    expect:
      /500mhz\.toml:\d+:1: unknown key 'temperatur' in \[conditions\]; expected 'h_larmor_frq', .*did you mean 'temperature'/,
  },
  {
    name: "data path under /dev",
    file: EXP,
    edit: sub('10N = "10N-HN.out"', '10N = "/dev/zero"'),
    expect: /data file of profile '10N' is not a file: \/dev\/zero/,
  },
  {
    name: "data path under /proc",
    file: EXP,
    edit: sub('10N = "10N-HN.out"', '10N = "/proc/self/status"'),
    // With --allow-all the file is read (and its text refused); with narrower permissions Deno may
    // not open it at all: either way one message naming the path, never Deno's own advice.
    expect:
      /(status:1:1: expected 3 columns|cannot be read \(NotCapable\)|may not be read).*|\/proc\/self\/status/,
  },
];

async function runFit(args: string[]): Promise<{ code: number; stderr: string; ms: number }> {
  const lines: string[] = [];
  const [error, log] = [console.error, console.log];
  console.error = (...a: unknown[]) => lines.push(a.join(" "));
  console.log = () => {};
  const t0 = performance.now();
  try {
    const code = await main(args);
    return { code, stderr: lines.join("\n"), ms: performance.now() - t0 };
  } finally {
    console.error = error;
    console.log = log;
  }
}

for (const c of CASES) {
  Deno.test(`bad input gives a clear error within 2 s: ${c.name}`, async () => {
    const dir = writeMiniStudy({ [c.file]: c.edit(miniStudyFiles()[c.file]) });
    try {
      const r = await runFit([...miniFitArgs(dir, join(dir, "Out")), ...(c.args ?? [])]);
      assert.equal(r.code, 1, `expected exit 1, got ${r.code}: ${r.stderr}`);
      // One error line (notices such as deprecations may come before it), naming the file.
      const errors = r.stderr.split("\n").filter((l) => l.startsWith("exfit: error: "));
      assert.equal(errors.length, 1, r.stderr);
      assert.match(errors[0], c.expect);
      assert.ok(!/\n\s+at /.test(r.stderr), `stack trace in: ${r.stderr}`);
      assert.ok(!/--allow-all|run again with/.test(r.stderr), `Deno's advice in: ${r.stderr}`);
      assert.match(
        errors[0],
        /^exfit: error: (\/|Methods|Experiments|Parameters|[^:]*\.(toml|out))/,
      );
      assert.ok(r.ms < 2000, `took ${r.ms.toFixed(0)} ms`);
      // Nothing partial is published (a step that finished stays in the staging folder only).
      assert.throws(() => Deno.statSync(join(dir, "Out")), Deno.errors.NotFound);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
}

Deno.test("a huge data file (2.4 GB, sparse) is refused by size, a 10^6-row one by rows", async () => {
  const dir = writeMiniStudy();
  try {
    const data = join(dir, DATA);
    const f = Deno.openSync(data, { write: true });
    f.truncateSync(2_400_000_000); // sparse: takes no disk space
    f.close();
    let r = await runFit(miniFitArgs(dir, join(dir, "Out")));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /10N-HN\.out: the file is 2400000000 bytes long; at most 67108864/);
    assert.match(r.stderr, /EXFIT_LIMIT_FILE_BYTES/);
    Deno.writeTextFileSync(data, "0 1 1\n".repeat(1_000_000));
    r = await runFit(miniFitArgs(dir, join(dir, "Out")));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /has more than 100000 data rows \(raise with EXFIT_LIMIT_DATA_ROWS\)/);
    assert.ok(r.ms < 2000, `took ${r.ms.toFixed(0)} ms`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a limit can be raised with its environment variable", async () => {
  const dir = writeMiniStudy({
    [MET]: miniStudyFiles()[MET].replace(
      'INCLUDE = "ALL"',
      'INCLUDE = "ALL"\nSTATISTICS = { MC = 150000 }',
    ),
  });
  try {
    const r = await runFit(miniFitArgs(dir, join(dir, "Out")));
    assert.match(r.stderr, /exceeds the limit of 100000/);
    Deno.env.set("EXFIT_LIMIT_STATISTICS_COUNT", "2");
    const r2 = await runFit(miniFitArgs(dir, join(dir, "Out")));
    assert.match(r2.stderr, /MC = 150000 exceeds the limit of 2 /);
  } finally {
    Deno.env.delete("EXFIT_LIMIT_STATISTICS_COUNT");
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("expression length and depth limits name the variable that raises them", async () => {
  // A long but shallow constraint (a long literal) and a deep but short one.
  const long = `[DW_AB] = 0.${"0".repeat(12_000)}1 * [KEX_AB]`;
  const deep = `[DW_AB] = ${"(".repeat(300)}[KEX_AB]${")".repeat(300)} * 0.001`;
  const run = async (constraint: string, env: Record<string, string>) => {
    const dir = writeMiniStudy({
      [MET]: addToStep2(`CONSTRAINTS = ["${constraint}"]`)(miniStudyFiles()[MET]),
    });
    try {
      for (const [k, v] of Object.entries(env)) Deno.env.set(k, v);
      return await runFit(miniFitArgs(dir, join(dir, "Out")));
    } finally {
      for (const k of Object.keys(env)) Deno.env.delete(k);
      Deno.removeSync(dir, { recursive: true });
    }
  };
  let r = await run(long, {});
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /method\.toml: step \[STEP2\]: CONSTRAINTS entry .*: 12\d\d\d characters long; at most 10000 are allowed \(raise with EXFIT_LIMIT_EXPRESSION_LENGTH\)/,
  );
  r = await run(long, { EXFIT_LIMIT_EXPRESSION_LENGTH: "20000" });
  assert.equal(r.code, 0, r.stderr);
  r = await run(deep, {});
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /method\.toml: .*nested more than 200 levels deep.*\(raise with EXFIT_LIMIT_EXPRESSION_DEPTH\)/,
  );
  r = await run(deep, { EXFIT_LIMIT_EXPRESSION_DEPTH: "400" });
  assert.equal(r.code, 0, r.stderr);
  // An override the parser could not survive is refused, naming the variable and its ceiling.
  r = await run(deep, { EXFIT_LIMIT_EXPRESSION_DEPTH: "100000" });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /EXFIT_LIMIT_EXPRESSION_DEPTH must be at most 2000/);
  assert.ok(!/\n\s+at /.test(r.stderr), r.stderr);
});

Deno.test("a model evaluation that throws names the file, the profile and the values", async () => {
  const { loadStudy } = await import("../src/io/load.ts");
  const { parseModel } = await import("../src/models/model.ts");
  const { createChunkEvaluator, makeChunk } = await import("../src/fit/chunk.ts");
  const dir = writeMiniStudy();
  try {
    const loaded = loadStudy({
      experiments: [join(dir, EXP)],
      parameters: [join(dir, PAR)],
      model: parseModel("2st"),
    });
    const ev = createChunkEvaluator(makeChunk(loaded.study, [0]));
    // What the dephased CEST propagator throws when its eigendecomposition fails.
    const fail = () => {
      throw new Error("dephased saturation: eigendecomposition of the Liouvillian failed");
    };
    Object.assign(ev.calculators[0], { sequence: Object.assign(fail, { jacobian: fail }) });
    const values = new Float64Array(ev.chunk.profiles[0].localNames.length).fill(0.5);
    const out = new Float64Array(ev.sizes[0]);
    for (
      const call of [
        () => ev.profile(0, values, out),
        () => ev.profileJacobian!(0, values, out, new Float64Array(out.length * values.length)),
      ]
    ) {
      assert.throws(
        call,
        /500mhz\.toml: model evaluation of profile 10N failed \(dephased saturation: eigendecomposition of the Liouvillian failed\); parameters: .*= 0\.5/,
      );
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("CEST b1_frq = 0 is refused naming the file, line and key", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_cest_b1_" });
  try {
    Deno.mkdirSync(join(dir, "Data"));
    Deno.writeTextFileSync(
      join(dir, "e.toml"),
      `[experiment]\nname = "cest_15n"\ntime_t1 = 0.5\ncarrier = 118.0\nb1_frq = 0.0\n\n` +
        `[conditions]\nh_larmor_frq = 600.0\n\n[data]\npath = "Data"\nerror = "scatter"\n\n` +
        `[data.profiles]\n10N = "10N.out"\n`,
    );
    Deno.writeTextFileSync(join(dir, "Data/10N.out"), "-20000 1000 10\n0 900 10\n100 950 10\n");
    Deno.writeTextFileSync(join(dir, "p.toml"), "[GLOBAL]\nPB = 0.05\nKEX_AB = 200.0\n");
    const r = await runFit([
      "fit",
      "-e",
      join(dir, "e.toml"),
      "-p",
      join(dir, "p.toml"),
      "-o",
      join(dir, "Out"),
      "--workers",
      "0",
      "--plot",
      "nothing",
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /e\.toml:5:1: 'b1_frq' in \[experiment\] must be > 0 and <= 1000000, got 0/,
    );
    assert.ok(r.ms < 2000, `took ${r.ms.toFixed(0)} ms`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
