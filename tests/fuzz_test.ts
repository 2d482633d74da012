/**
 * Issue 12: property-based fuzzing (fast-check, fixed seeds) of the input readers, method files,
 * constraint expressions and function payloads. Every generated case either succeeds with finite
 * numbers or fails with the project's own error naming the file (a ConfigError whose message
 * starts with the path) or the field (a 400 with `error.field`) — never another exception, never
 * a stack trace, never longer than the per-case limit. About 2,400 cases, a few seconds.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import fc from "fast-check";
import { ConfigError } from "../src/config/errors.ts";
import { readExperimentFile } from "../src/config/experiment.ts";
import { readParameterFiles } from "../src/config/parameters.ts";
import { readProfileFile } from "../src/config/data.ts";
import { readMethodFiles } from "../src/config/method.ts";
import { EXPERIMENT_NAMES, schemaFor } from "../src/experiments/registry.ts";
import { compileExpression, ExpressionError } from "../src/params/expr.ts";
import { createHandler } from "../functions/handler.ts";
import { PAYLOAD_VERSION, storeToPayload } from "../functions/payload.ts";
import { makeChunk } from "../src/fit/chunk.ts";
import { subStore } from "../src/fit/problem.ts";
import { loadStudy } from "../src/io/load.ts";
import { parseModel } from "../src/models/model.ts";
import { MINI, miniStudyFiles, writeMiniStudy } from "./_mini_study.ts";

/** Longest a single case may take (a hang shows up as a failure, not a stuck test). */
const CASE_MS = 2000;
const SEED = 20261205;

function timedCase<T>(what: string, fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  const ms = performance.now() - t0;
  assert.ok(ms < CASE_MS, `${what}: took ${ms.toFixed(0)} ms`);
  return out;
}

/** Run `fn`; a ConfigError must name `file` first, anything else thrown is a failure. */
function expectCleanOutcome<T>(file: string, fn: () => T): T | undefined {
  try {
    return timedCase(file, fn);
  } catch (e) {
    if (e instanceof ConfigError) {
      assert.ok(e.message.startsWith(file), `message does not start with the file: ${e.message}`);
      assert.ok(!/\n\s+at /.test(e.message), `stack trace in message: ${e.message}`);
      return undefined;
    }
    throw e;
  }
}

// TOML values: numbers of every kind (nan, inf, huge, tiny), strings, booleans, lists, tables.
const tomlNumber = fc.oneof(
  fc.double().map((x) =>
    Number.isNaN(x) ? "nan" : x === Infinity ? "inf" : x === -Infinity ? "-inf" : String(x)
  ),
  fc.integer().map(String),
  fc.constantFrom("1e308", "1e400", "-1e308", "0", "-0", "1e-320", "99999999999999999999", "1.5"),
);
const tomlScalar = fc.oneof(
  tomlNumber,
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.constantFrom("true", "false", '""', '"ALL"', '"a"', '"x"'),
);
const tomlValue = fc.oneof(
  { weight: 4, arbitrary: tomlScalar },
  fc.array(tomlScalar, { maxLength: 4 }).map((a) => `[${a.join(", ")}]`),
  fc.array(tomlScalar, { maxLength: 3 }).map((a) =>
    `{ ${a.map((v, i) => `k${i} = ${v}`).join(", ")} }`
  ),
);
const tomlKey = fc.oneof(
  fc.constantFrom(
    "name",
    "carrier",
    "pw90",
    "time_t2",
    "time_equil",
    "h_larmor_frq",
    "label",
    "PB",
    "KEX_AB",
    "DW_AB",
    "INCLUDE",
    "FIT",
    "FIX",
    "GRID",
    "CONSTRAINTS",
    "STATISTICS",
    "error",
    "path",
    "1N",
    "10N",
    '""',
    "x",
  ),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/),
);

/** A mutation of a TOML text: change a value, a key, delete, duplicate or add a line, add noise. */
const tomlMutation = fc.oneof(
  fc.record({ kind: fc.constant("value"), at: fc.nat(), value: tomlValue }),
  fc.record({ kind: fc.constant("key"), at: fc.nat(), key: tomlKey }),
  fc.record({ kind: fc.constant("delete"), at: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate"), at: fc.nat() }),
  fc.record({ kind: fc.constant("add"), at: fc.nat(), key: tomlKey, value: tomlValue }),
  fc.record({ kind: fc.constant("noise"), at: fc.nat(), text: fc.string({ maxLength: 8 }) }),
);
type Mutation = {
  kind: string;
  at: number;
  value?: string;
  key?: string;
  text?: string;
};

function mutate(text: string, mutations: Mutation[]): string {
  const lines = text.split("\n");
  for (const m of mutations) {
    const i = m.at % lines.length;
    const line = lines[i];
    const eq = line.indexOf("=");
    switch (m.kind) {
      case "value":
        if (eq > 0) lines[i] = `${line.slice(0, eq)}= ${m.value}`;
        break;
      case "key":
        if (eq > 0) lines[i] = `${m.key} ${line.slice(eq)}`;
        break;
      case "delete":
        lines.splice(i, 1);
        break;
      case "duplicate":
        lines.splice(i, 0, line);
        break;
      case "add":
        lines.splice(i, 0, `${m.key} = ${m.value}`);
        break;
      default:
        lines[i] = line + m.text;
    }
    if (lines.length === 0) lines.push("");
  }
  return lines.join("\n");
}

const study = writeMiniStudy();
const files = miniStudyFiles();
addEventListener("unload", () => Deno.removeSync(study, { recursive: true }));

function isAllowedNumber(key: string, v: number): boolean {
  return Number.isFinite(v) || (v === Infinity && (key === "sw" || key === "b1_inh_scale"));
}

Deno.test("fuzz: experiment files (600 cases)", () => {
  const path = join(study, "Experiments", "fuzz.toml");
  fc.assert(
    fc.property(fc.array(tomlMutation, { minLength: 1, maxLength: 3 }), (ms) => {
      Deno.writeTextFileSync(path, mutate(files[MINI.experiments[0]], ms));
      const exp = expectCleanOutcome(
        path,
        () => readExperimentFile(path, schemaFor, [...EXPERIMENT_NAMES]),
      );
      if (!exp) return;
      for (const [k, v] of Object.entries(exp.settings)) {
        if (typeof v === "number") assert.ok(isAllowedNumber(k, v), `${k} = ${v}`);
      }
      for (const [k, v] of Object.entries(exp.conditions)) {
        if (typeof v === "number") assert.ok(Number.isFinite(v), `${k} = ${v}`);
      }
    }),
    { seed: SEED, numRuns: 600 },
  );
});

Deno.test("fuzz: parameter files (500 cases)", () => {
  const path = join(study, "Parameters", "fuzz.toml");
  fc.assert(
    fc.property(fc.array(tomlMutation, { minLength: 1, maxLength: 3 }), (ms) => {
      Deno.writeTextFileSync(path, mutate(files[MINI.parameters], ms));
      const entries = expectCleanOutcome(path, () => readParameterFiles([path]));
      for (const e of entries ?? []) {
        assert.ok(Number.isFinite(e.value), `${e.selector} = ${e.value}`);
        assert.ok(!((e.min ?? -Infinity) > (e.max ?? Infinity)), `${e.selector} bounds`);
      }
    }),
    { seed: SEED + 1, numRuns: 500 },
  );
});

Deno.test("fuzz: method files (400 cases)", () => {
  const path = join(study, "Methods", "fuzz.toml");
  const extra = fc.oneof(
    fc.constant(""),
    tomlNumber.map((n) => `GRID = ["[DW_AB] = lin(${n}, 2, 5)"]`),
    fc.nat({ max: 2_000_000_000 }).map((n) => `STATISTICS = { MC = ${n} }`),
    fc.string({ maxLength: 20 }).map((s) => `CONSTRAINTS = [${JSON.stringify(`[PB] = ${s}`)}]`),
  );
  fc.assert(
    fc.property(fc.array(tomlMutation, { maxLength: 3 }), extra, (ms, line) => {
      Deno.writeTextFileSync(path, mutate(files[MINI.method] + line + "\n", ms));
      expectCleanOutcome(path, () => readMethodFiles([path]));
    }),
    { seed: SEED + 2, numRuns: 400 },
  );
});

const dataToken = fc.oneof(
  tomlNumber,
  fc.constantFrom("nan", "inf", "-inf", "abc", "#", "1e999", "a", "0.5", "-1"),
  fc.stringMatching(/^\S{1,6}$/),
);

Deno.test("fuzz: data files (400 cases)", () => {
  const path = join(study, "Data", "fuzz.out");
  const rows = fc.array(fc.array(dataToken, { minLength: 0, maxLength: 5 }), { maxLength: 20 });
  const family = fc.constantFrom("cpmg", "cest", "relaxation", "exsy") as fc.Arbitrary<
    "cpmg" | "cest" | "relaxation" | "exsy"
  >;
  fc.assert(
    fc.property(rows, family, (r, fam) => {
      Deno.writeTextFileSync(path, r.map((t) => t.join(" ")).join("\n") + "\n");
      const p = expectCleanOutcome(path, () => readProfileFile(path, fam));
      if (!p) return;
      for (const a of [p.x, p.intensity, p.error]) {
        assert.ok(a.every((v) => Number.isFinite(v)), `non-finite value read from ${path}`);
      }
    }),
    { seed: SEED + 3, numRuns: 400 },
  );
});

// Expressions: generated from the grammar, plus raw noise from its alphabet.
const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("[PB]", "[KEX_AB]", "pi", "inf", "0", "1", "1e308", "-1", "2.5"),
    fc.tuple(tie("e"), fc.constantFrom("+", "-", "*", "/", "**"), tie("e")).map(([a, o, b]) =>
      `${a} ${o} ${b}`
    ),
    tie("e").map((a) => `(${a})`),
    tie("e").map((a) => `-${a}`),
    fc.tuple(
      fc.constantFrom("exp", "log", "sqrt", "max", "min", "sin", "pow", "nope"),
      fc.array(tie("e"), { maxLength: 3 }),
    )
      .map(([f, args]) => `${f}(${args.join(", ")})`),
  ),
})).e;
const noise = fc.string({
  maxLength: 40,
  unit: fc.constantFrom(..."()[]+-*/.,0123456789eEPBKX_ logsqrtmax".split("")),
});

Deno.test("fuzz: constraint expressions (600 cases)", () => {
  fc.assert(
    fc.property(
      fc.oneof(expr, noise),
      fc.array(fc.double(), { minLength: 2, maxLength: 2 }),
      (text, values) => {
        try {
          const e = timedCase(text, () => compileExpression(text, "brackets"));
          const v = e.evaluate(values.slice(0, e.refs.length));
          assert.equal(typeof v, "number");
        } catch (err) {
          if (!(err instanceof ExpressionError)) throw err;
          assert.ok(err.message.length < 400, "message quotes at most the start of the text");
        }
      },
    ),
    { seed: SEED + 4, numRuns: 600 },
  );
});

function basePayload() {
  const loaded = loadStudy({
    experiments: MINI.experiments.map((e) => join(study, e)),
    parameters: [join(study, MINI.parameters)],
    model: parseModel("2st"),
  });
  const chunk = makeChunk(loaded.study, [0, 3]);
  const params = storeToPayload(subStore(loaded.store, chunk.profiles.flatMap((p) => p.paramIds)));
  return { version: PAYLOAD_VERSION, id: "fuzz:1", chunk, params };
}

/** Every path of a JSON tree. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  }
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove: boolean): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (remove && !Array.isArray(node)) delete node[last];
  else node[last] = value;
  return copy;
}

Deno.test("fuzz: function payloads (300 cases): 400 naming the field, or 200 with finite numbers", async () => {
  const base = basePayload();
  const all = paths(base);
  const handler = createHandler();
  const jsonLeaf = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(1e308, -1, 0, "x", null, "__proto__", [], {}, 1e6, 0.5),
  );
  await fc.assert(
    fc.asyncProperty(fc.nat(), jsonLeaf, fc.boolean(), async (at, value, remove) => {
      const path = all[at % all.length];
      const body = JSON.stringify(setAt(base, path, value, remove));
      const t0 = performance.now();
      const res = await handler(
        new Request("http://x/evaluate", { method: "POST", body }),
      );
      const ms = performance.now() - t0;
      assert.ok(ms < CASE_MS, `${path.join(".")}: took ${ms.toFixed(0)} ms`);
      const reply = await res.json();
      if (res.status === 200) {
        for (const r of reply.residuals as (number | null)[][]) {
          assert.ok(
            r.every((x) => x !== null && Number.isFinite(x)),
            `${path.join(".")}: non-finite`,
          );
        }
        return;
      }
      assert.ok(res.status === 400 || res.status === 422, `${path.join(".")}: ${res.status}`);
      if (res.status === 400 && reply.error.code === "invalid_payload") {
        assert.equal(typeof reply.error.field, "string", JSON.stringify(reply.error));
      }
      assert.ok(!/\n\s+at /.test(reply.error.message), "stack trace in the message");
    }),
    { seed: SEED + 5, numRuns: 300 },
  );
});
