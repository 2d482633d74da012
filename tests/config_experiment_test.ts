import { strict as assert } from "node:assert";
import { join } from "node:path";
import { closestMatch, ConfigError } from "../src/config/errors.ts";
import {
  type ExperimentSchema,
  type KeySpec,
  readExperimentFile,
} from "../src/config/experiment.ts";
import { readProfileFile, readShiftFile } from "../src/config/data.ts";
import { findKeyLine, indexTomlKeys } from "../src/config/toml.ts";
import { expectError, REFDATA_DIR as REFDATA, refdataTest } from "./_fixtures.ts";

const CPMG: ExperimentSchema = {
  name: "cpmg_15n_ip",
  family: "cpmg",
  keys: {
    time_t2: { type: "number", required: true, min: 0 },
    carrier: { type: "number", required: true },
    pw90: { type: "number", required: true, min: 0, exclusiveMin: true },
    time_equil: { type: "number", default: 0, min: 0 },
    even_ncycs: { type: "boolean", default: false },
  },
};
const CPMG_AP: ExperimentSchema = {
  ...CPMG,
  name: "cpmg_1hn_ap",
  defaultStartFromObserved: true,
};
const CEST_IPAP: ExperimentSchema = {
  name: "cest_1hn_ip_ap",
  family: "cest",
  keys: {
    time_t1: { type: "number", required: true },
    carrier: { type: "number", required: true },
    b1_frq: { type: "number" },
    sw: { type: "number", default: Infinity },
    b1_distribution: { type: "table" },
    b1_inh_scale: { type: "number", min: 0, legacy: true },
    filter_ref_planes: { type: "boolean", default: true },
  },
};
const DCEST: ExperimentSchema = {
  name: "dcest_15n",
  family: "cest",
  keys: {
    time_t1: { type: "number", required: true },
    carrier: { type: "number", required: true },
    sw: { type: "number", required: true },
    pw90: { type: "number", required: true },
    b1_eff: { type: "number", required: true, aliases: ["b1_frq"] },
  },
};
const SHIFT: ExperimentSchema = { name: "shift_15n_sqmq", family: "shift", keys: {} };
const SCHEMAS = [CPMG, CPMG_AP, CEST_IPAP, DCEST, SHIFT];
const NAMES = SCHEMAS.map((s) => s.name);
const schemaFor = (name: string) => SCHEMAS.find((s) => s.name === name);

/** Write files (path relative to a new temp dir → content) and return the dir. */
function fixture(files: Record<string, string>): string {
  const dir = Deno.makeTempDirSync({ prefix: "exfit_exp_" });
  for (const [rel, text] of Object.entries(files)) {
    const full = join(dir, rel);
    Deno.mkdirSync(join(full, ".."), { recursive: true });
    Deno.writeTextFileSync(full, text);
  }
  return dir;
}

const PROFILE = "# ncyc intensity error\n0 1000 10\n1 800 10\n1 810 10\n";

function cpmgToml(experimentExtra = "", dataExtra = "", profiles = 'G23N = "g23.out"') {
  return `[experiment]
name = "cpmg_15n_ip"
time_t2 = 0.04
carrier = 118.5
pw90 = 40e-6
${experimentExtra}

[conditions]
h_larmor_frq = 800.0
label = ["2H", "15n"]
sample = "ignored"

[data]
path = "../Data/"
${dataExtra}

[data.profiles]
${profiles}
`;
}

Deno.test("closestMatch suggests near keys only", () => {
  assert.equal(closestMatch("tme_t2", ["time_t2", "carrier"]), "time_t2");
  assert.equal(closestMatch("NMAE", ["name", "pw90"]), "name");
  assert.equal(closestMatch("CARIER", ["carrier"]), "carrier");
  assert.equal(closestMatch("zzzzzz", ["time_t2", "carrier"]), undefined);
  assert.equal(closestMatch("sw", ["d1"]), undefined);
});

Deno.test("ConfigError message carries file, line and column", () => {
  const e = new ConfigError("a.toml", "bad thing", { line: 3, column: 7, key: "k" });
  assert.equal(e.message, "a.toml:3:7: bad thing");
  assert.equal(e.key, "k");
  assert.equal(new ConfigError("a.toml", "x", { line: 2 }).message, "a.toml:2: x");
  assert.equal(new ConfigError("a.toml", "x").message, "a.toml: x");
});

Deno.test("key index finds table, dotted, quoted and inline-table keys", () => {
  const src = `# comment
[experiment]
name = "x" # trailing
b1_distribution = { type = "gaussian", Scale = 0.1 }
arr = [
  1, 2,
]
"quoted key" = 1
a.b = 2

[DATA.profiles]
'G23N' = "g.out"
`;
  const keys = indexTomlKeys(src);
  assert.deepEqual(keys.find(["experiment", "name"]), { line: 3, column: 1 });
  assert.equal(keys.find(["experiment", "b1_distribution", "scale"])?.line, 4);
  assert.equal(keys.find(["experiment", "quoted key"])?.line, 8);
  assert.equal(keys.find(["experiment", "a", "b"])?.line, 9);
  assert.equal(keys.find(["data", "profiles", "g23n"])?.line, 12);
  assert.equal(keys.locate(["data"])?.line, 11);
  assert.equal(keys.locate(["experiment", "missing"])?.line, 2);
  assert.equal(findKeyLine(src, ["experiment", "arr"]), 5);
});

Deno.test("reads a valid experiment file with defaults and resolved paths", () => {
  const dir = fixture({
    "Experiments/exp.toml": cpmgToml("", 'error = "Duplicates"', 'g23n = "g23.out"'),
    "Data/g23.out": PROFILE,
  });
  const exp = readExperimentFile(join(dir, "Experiments/exp.toml"), schemaFor, NAMES);
  assert.equal(exp.name, "cpmg_15n_ip");
  assert.equal(exp.file, join(dir, "Experiments/exp.toml"));
  assert.deepEqual(exp.settings, {
    time_t2: 0.04,
    carrier: 118.5,
    pw90: 40e-6,
    time_equil: 0,
    even_ncycs: false,
  });
  assert.deepEqual(exp.observedStates, ["a"]);
  assert.equal(exp.startStates, null);
  assert.deepEqual(exp.conditions, { h_larmor_frq: 800, label: ["2H", "15N"] });
  assert.equal(exp.data.path, join(dir, "Data"));
  assert.equal(exp.data.error, "duplicates");
  assert.equal(exp.data.globalError, true);
  assert.equal(exp.data.scaled, true);
  assert.deepEqual(exp.data.filterPlanes, []);
  assert.equal(exp.data.filterRefPlanes, false);
  assert.deepEqual(exp.data.profiles, [{ key: "G23N", files: [join(dir, "Data/g23.out")] }]);
  assert.equal(exp.notices, undefined);
});

Deno.test("tables and keys are case-insensitive; lists of files give several profiles", () => {
  const dir = fixture({
    "e.toml": `[EXPERIMENT]
NAME = "CPMG_15N_IP"
Time_T2 = 0.04
CARRIER = 118.5
pw90 = 40e-6
Observed_State = "B"

[Conditions]
H_LARMOR_FRQ = 600

[Data]
Global_Error = false
FILTER_PLANES = [0, 3.0]

[Data.Profiles]
g23n = ["a.out", "b.out"]
L24N-H = "c.out"
`,
    "a.out": PROFILE,
    "b.out": PROFILE,
    "c.out": PROFILE,
  });
  const exp = readExperimentFile(join(dir, "e.toml"), schemaFor, NAMES);
  assert.equal(exp.name, "cpmg_15n_ip");
  assert.equal(exp.settings.time_t2, 0.04);
  assert.deepEqual(exp.observedStates, ["b"]);
  assert.equal(exp.data.globalError, false);
  assert.deepEqual(exp.data.filterPlanes, [0, 3]);
  assert.deepEqual(exp.data.profiles.map((p) => [p.key, p.files.length]), [
    ["G23N", 2],
    ["L24N-H", 1],
  ]);
});

Deno.test("malformed TOML reports file, line and column", () => {
  const dir = fixture({ "bad.toml": '[experiment]\nname = "cpmg_15n_ip"\ntime_t2 = [1, 2\n' });
  const file = join(dir, "bad.toml");
  const e = expectError(() => readExperimentFile(file, schemaFor, NAMES));
  assert.ok(e.message.startsWith(`${file}:`), e.message);
  assert.equal(e.line, 4);
  assert.equal(typeof e.column, "number");
  assert.match(e.message, /^.*bad\.toml:4:\d+: invalid TOML/);
});

Deno.test("unknown experiment name names file, line and the closest known name", () => {
  const dir = fixture({
    "e.toml": cpmgToml().replace('name = "cpmg_15n_ip"', 'name = "cpmg_15n_iq"'),
    "Data/g23.out": PROFILE,
  });
  const file = join(dir, "e.toml");
  const e = expectError(() => readExperimentFile(file, schemaFor, NAMES));
  assert.equal(e.line, 2);
  assert.ok(e.message.startsWith(`${file}:2:1:`), e.message);
  assert.match(e.message, /unknown experiment type "cpmg_15n_iq"/);
  assert.match(e.message, /did you mean 'cpmg_15n_ip'\?/);
});

Deno.test("unknown [experiment] key names file, line, key and the closest valid key", () => {
  const dir = fixture({
    "Experiments/e.toml": cpmgToml("tme_equil = 0.001"),
    "Data/g23.out": PROFILE,
  });
  const file = join(dir, "Experiments/e.toml");
  const e = expectError(() => readExperimentFile(file, schemaFor, NAMES));
  assert.equal(e.key, "tme_equil");
  assert.equal(e.line, 6);
  assert.ok(e.message.startsWith(`${file}:6:1:`), e.message);
  assert.match(e.message, /unknown key 'tme_equil' in \[experiment\]/);
  assert.match(e.message, /did you mean 'time_equil'\?/);
});

Deno.test("missing required key is named", () => {
  const dir = fixture({
    "Experiments/e.toml": cpmgToml().replace("pw90 = 40e-6\n", ""),
    "Data/g23.out": PROFILE,
  });
  const e = expectError(() =>
    readExperimentFile(join(dir, "Experiments/e.toml"), schemaFor, NAMES)
  );
  assert.match(e.message, /missing required key 'pw90' in \[experiment\]/);
  assert.match(e.message, /e\.toml:1:1:/);
});

Deno.test("type and range violations name key, value and expectation", () => {
  const cases: [string, RegExp, number][] = [
    ['time_equil = "soon"', /'time_equil' in \[experiment\] must be a number, got "soon"/, 6],
    ["time_equil = -1.0", /'time_equil' in \[experiment\] must be >= 0 and <= 100, got -1/, 6],
    ["even_ncycs = 3", /'even_ncycs' in \[experiment\] must be true or false, got 3/, 6],
    ['observed_state = "z"', /unknown state "z"/, 6],
    ['observed_state = ["a", "a"]', /lists state "a" twice/, 6],
  ];
  for (const [line, pattern, lineNo] of cases) {
    const dir = fixture({ "Experiments/e.toml": cpmgToml(line), "Data/g23.out": PROFILE });
    const e = expectError(() =>
      readExperimentFile(join(dir, "Experiments/e.toml"), schemaFor, NAMES)
    );
    assert.match(e.message, pattern);
    assert.equal(e.line, lineNo, e.message);
  }
  const pw = fixture({
    "Experiments/e.toml": cpmgToml().replace("pw90 = 40e-6", "pw90 = 0.0"),
    "Data/g23.out": PROFILE,
  });
  const e = expectError(() => readExperimentFile(join(pw, "Experiments/e.toml"), schemaFor, NAMES));
  assert.match(e.message, /'pw90' in \[experiment\] must be > 0 and <= 1, got 0/);
  const d2o = fixture({
    "Experiments/e.toml": cpmgToml().replace("h_larmor_frq = 800.0", "d2o = 1.5"),
    "Data/g23.out": PROFILE,
  });
  const e2 = expectError(() =>
    readExperimentFile(join(d2o, "Experiments/e.toml"), schemaFor, NAMES)
  );
  assert.match(e2.message, /'d2o' in \[conditions\] must be > 0 and < 1, got 1\.5/);
  assert.equal(e2.line, 9);
  const label = fixture({
    "Experiments/e.toml": cpmgToml().replace('["2H", "15n"]', '"13CC"'),
    "Data/g23.out": PROFILE,
  });
  const e3 = expectError(() =>
    readExperimentFile(join(label, "Experiments/e.toml"), schemaFor, NAMES)
  );
  assert.match(e3.message, /unknown label "13CC".*did you mean '13C'/);
});

Deno.test("profile without its data file names the experiment file, the line and the path", () => {
  const dir = fixture({
    "Experiments/e.toml": cpmgToml("", "", 'G23N = "g23.out"\nL24N = "missing.out"'),
    "Data/g23.out": PROFILE,
  });
  const file = join(dir, "Experiments/e.toml");
  const e = expectError(() => readExperimentFile(file, schemaFor, NAMES));
  assert.equal(e.file, file);
  assert.equal(e.line, 19);
  assert.ok(e.message.startsWith(`${file}:19:1:`), e.message);
  assert.ok(e.message.includes(join(dir, "Data/missing.out")), e.message);
  assert.match(e.message, /profile 'L24N' not found/);
});

Deno.test("[data] keys: unknown is an error, inapplicable is ignored with a notice", () => {
  const dir = fixture({
    "Experiments/e.toml": cpmgToml("", 'eror = "scatter"'),
    "Data/g23.out": PROFILE,
  });
  const e = expectError(() =>
    readExperimentFile(join(dir, "Experiments/e.toml"), schemaFor, NAMES)
  );
  assert.match(e.message, /unknown key 'eror' in \[data\]; did you mean 'error'\?/);
  assert.equal(e.line, 15);

  const dir2 = fixture({
    "Experiments/e.toml": cpmgToml("", "filter_offsets = [[0.0, 10.0]]"),
    "Data/g23.out": PROFILE,
  });
  const exp = readExperimentFile(join(dir2, "Experiments/e.toml"), schemaFor, NAMES);
  assert.deepEqual(exp.data.filterOffsets, []);
  assert.ok(exp.notices?.some((n) => n.includes("'filter_offsets'")));

  const dir3 = fixture({
    "Experiments/e.toml": cpmgToml("", 'error = "noise"'),
    "Data/g23.out": PROFILE,
  });
  const e3 = expectError(() =>
    readExperimentFile(join(dir3, "Experiments/e.toml"), schemaFor, NAMES)
  );
  assert.match(e3.message, /unknown error mode "noise"/);
});

Deno.test("legacy state keys are mapped", () => {
  const make = (extra: string, name = "cpmg_15n_ip") =>
    fixture({
      "Experiments/e.toml": cpmgToml(extra).replace("cpmg_15n_ip", name),
      "Data/g23.out": PROFILE,
    });
  const read = (dir: string) =>
    readExperimentFile(join(dir, "Experiments/e.toml"), schemaFor, NAMES);

  const prior = read(make('observed_state = "b"\ncs_evolution_prior = true'));
  assert.deepEqual(prior.startStates, ["b"]);
  assert.ok(prior.notices?.some((n) => n.includes("cs_evolution_prior")));
  assert.equal(read(make("cs_evolution_prior = false")).startStates, null);

  const all = read(make("detect_all_states = true"));
  assert.deepEqual(all.observedStates, ["a", "*all*"]);
  assert.equal(all.startStates, null);
  assert.equal("detect_all_states" in all.settings, false);

  // Experiments that start from the observed state by default.
  assert.deepEqual(read(make("", "cpmg_1hn_ap")).startStates, ["a"]);
  assert.deepEqual(read(make('observed_state = ["b", "c"]', "cpmg_1hn_ap")).startStates, [
    "b",
    "c",
  ]);
  assert.equal(read(make("start_state = []", "cpmg_1hn_ap")).startStates, null);
  assert.equal(read(make("cs_evolution_prior = false", "cpmg_1hn_ap")).startStates, null);
  assert.deepEqual(read(make('start_state = "C"')).startStates, ["c"]);

  const both = make('start_state = "a"\ncs_evolution_prior = true');
  assert.match(expectError(() => read(both)).message, /either 'start_state' or the legacy/);
});

Deno.test("CEST: aliases, legacy schema keys, tables, filter_ref_planes default", () => {
  const dir = fixture({
    "Experiments/e.toml": `[experiment]
name = "cest_1hn_ip_ap"
time_t1 = 0.4
carrier = 8.3
b1_frq = 25.0
b1_inh_scale = 0.1
B1_Distribution = { Type = "gaussian", Scale = 0.1 }

[conditions]
h_larmor_frq = 600.0

[data]
path = "../Data"
error = "scatter"
filter_offsets = [[0.0, 26.0], [-120, 10]]

[data.profiles]
"3HN-N" = "3.out"
`,
    "Data/3.out": "-1e5 100 1\n0 50 1\n",
  });
  const exp = readExperimentFile(join(dir, "Experiments/e.toml"), schemaFor, NAMES);
  assert.equal(exp.data.filterRefPlanes, true);
  assert.deepEqual(exp.data.filterOffsets, [[0, 26], [-120, 10]]);
  assert.deepEqual(exp.settings.b1_distribution, { type: "gaussian", scale: 0.1 });
  assert.equal(exp.settings.sw, Infinity);
  assert.equal(exp.settings.b1_inh_scale, 0.1);
  assert.ok(exp.notices?.some((n) => n.includes("b1_inh_scale")));
  assert.equal("filter_ref_planes" in exp.settings, false);

  const dcest = (b1: string) =>
    fixture({
      "e.toml": `[experiment]
name = "dcest_15n"
time_t1 = 0.4
carrier = 118
sw = 1000.0
pw90 = 1e-5
${b1}
[conditions]
h_larmor_frq = 600.0
[data]
`,
    });
  const ok = readExperimentFile(join(dcest("b1_frq = 12.0"), "e.toml"), schemaFor, NAMES);
  assert.equal(ok.settings.b1_eff, 12);
  assert.equal("b1_frq" in ok.settings, false);
  const same = readExperimentFile(
    join(dcest("b1_frq = 12.0\nb1_eff = 12.0"), "e.toml"),
    schemaFor,
    NAMES,
  );
  assert.equal(same.settings.b1_eff, 12);
  const e = expectError(() =>
    readExperimentFile(join(dcest("b1_eff = 10.0\nb1_frq = 12.0"), "e.toml"), schemaFor, NAMES)
  );
  assert.match(e.message, /'b1_eff' and 'b1_frq' both set 'b1_eff'/);
  assert.equal(e.line, 8);
  const missing = expectError(() =>
    readExperimentFile(join(dcest(""), "e.toml"), schemaFor, NAMES)
  );
  assert.match(missing.message, /missing required key 'b1_eff'/);
});

Deno.test("shift experiments read data.path as the shift file and are not scaled", () => {
  const dir = fixture({
    "Experiments/s.toml": `[experiment]
name = "shift_15n_sqmq"
[conditions]
h_larmor_frq = 500.0
[data]
path = "../Data/sqmq.txt"
`,
    "Data/sqmq.txt": "# name shift error\n11N-HN 1.0 3.3\n",
  });
  const exp = readExperimentFile(join(dir, "Experiments/s.toml"), schemaFor, NAMES);
  assert.equal(exp.data.path, join(dir, "Data/sqmq.txt"));
  assert.equal(exp.data.scaled, false);
  assert.deepEqual(exp.data.profiles, []);
  assert.deepEqual(readShiftFile(exp.data.path)[0], {
    spinSystem: "11N-HN",
    value: 1,
    error: 3.3,
    line: 2,
  });

  const bad = fixture({
    "s.toml": `[experiment]
name = "shift_15n_sqmq"
observed_state = ["a", "b"]
[conditions]
h_larmor_frq = 500.0
[data]
path = "nope.txt"
`,
  });
  const e = expectError(() => readExperimentFile(join(bad, "s.toml"), schemaFor, NAMES));
  assert.match(e.message, /must be a single state letter/);
  const missing = fixture({
    "s.toml": `[experiment]\nname = "shift_15n_sqmq"\n[conditions]\n[data]\npath = "nope.txt"\n`,
  });
  const e2 = expectError(() => readExperimentFile(join(missing, "s.toml"), schemaFor, NAMES));
  assert.match(e2.message, /shift data file not found: .*nope\.txt/);
  assert.equal(e2.line, 5);
});

Deno.test("missing tables are reported", () => {
  const dir = fixture({ "e.toml": `[experiment]\nname = "cpmg_15n_ip"\n[conditons]\n[data]\n` });
  const e = expectError(() => readExperimentFile(join(dir, "e.toml"), schemaFor, NAMES));
  assert.match(e.message, /missing table \[conditions\]; did you mean 'conditons'\?/);
});

/** A schema that accepts exactly the keys a file uses, typed from their values. */
function permissiveSchema(name: string, experiment: Record<string, unknown>): ExperimentSchema {
  const keys: Record<string, KeySpec> = {};
  for (const [key, value] of Object.entries(experiment)) {
    const k = key.toLowerCase();
    if (["name", "observed_state", "start_state"].includes(k)) continue;
    const type = typeof value === "boolean"
      ? "boolean"
      : typeof value === "string"
      ? "string"
      : typeof value === "number"
      ? "number"
      : "table";
    keys[k] = { type };
  }
  const family = name.startsWith("shift")
    ? "shift"
    : name.includes("cest")
    ? "cest"
    : name.startsWith("cpmg")
    ? "cpmg"
    : name === "noesyfpgpph19"
    ? "exsy"
    : "relaxation";
  return { name, family, keys };
}

refdataTest("every refdata experiment file reads, with its profile files", async () => {
  const { parse } = await import("smol-toml");
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) walk(path);
      else if (path.endsWith(".toml") && dir.endsWith("/Experiments")) files.push(path);
    }
  };
  // Files in sub-folders of Experiments/ (e.g. DCEST_15N_3States/Experiments/DRD) are not used
  // by the recorded runs and their data files were not kept.
  walk(REFDATA);
  assert.ok(files.length > 100, `only ${files.length} experiment files found`);
  let profileCount = 0;
  for (const file of files) {
    const raw = parse(Deno.readTextFileSync(file)) as {
      experiment: Record<string, unknown>;
      data?: { profiles?: Record<string, unknown> };
    };
    const name = String(raw.experiment.name).toLowerCase();
    const schema = permissiveSchema(name, raw.experiment);
    const exp = readExperimentFile(file, (n) => (n === name ? schema : undefined), [name]);
    assert.equal(exp.name, name);
    assert.ok((exp.conditions.h_larmor_frq ?? 0) > 0, file);
    if (schema.family === "shift") {
      assert.ok(readShiftFile(exp.data.path).length > 0);
      continue;
    }
    // Some holdout inputs list no profiles in files their command does not use.
    assert.equal(exp.data.profiles.length, Object.keys(raw.data?.profiles ?? {}).length, file);
    for (const profile of exp.data.profiles) {
      for (const f of profile.files) {
        const data = readProfileFile(f, schema.family as "cpmg" | "cest" | "relaxation");
        assert.ok(data.x.length > 0);
        assert.equal(data.error.length, data.x.length);
        profileCount++;
      }
    }
  }
  assert.ok(profileCount > 500, `read ${profileCount} profiles`);
});

refdataTest("refdata CPMG_15N_IP 800 MHz experiment content", () => {
  const file = join(REFDATA, "fit/CPMG_15N_IP/Experiments/800mhz.toml");
  const exp = readExperimentFile(file, schemaFor, NAMES);
  assert.equal(exp.data.error, "duplicates");
  assert.equal(exp.data.profiles.length, 54);
  assert.equal(exp.data.profiles[0].key, "1N");
  assert.deepEqual(exp.settings, {
    time_t2: 0.03,
    carrier: 119.013,
    pw90: 41.825e-6,
    time_equil: 2.0e-3,
    even_ncycs: false,
  });
  assert.deepEqual(exp.conditions.label, ["2H"]);
  assert.ok(exp.data.path.endsWith("fit/CPMG_15N_IP/Data/800MHz"));
});
