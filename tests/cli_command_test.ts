import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Command, CommandLineError, Option } from "../src/cli/command.ts";
import { buildProgram } from "../src/cli/main.ts";
import { EXPERIMENT_NAME_LIST } from "../src/experiments/names.ts";
import { EXPERIMENT_NAMES } from "../src/experiments/registry.ts";
import { loadedAtStart } from "./_imports.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));

/** Run `fn` with stdout and stderr writes captured. */
async function captured(fn: () => Promise<void>): Promise<{ out: string; err: string }> {
  const dec = new TextDecoder();
  let out = "";
  let err = "";
  const [o, e] = [Deno.stdout.writeSync, Deno.stderr.writeSync];
  Deno.stdout.writeSync = (p: Uint8Array) => (out += dec.decode(p), p.length);
  Deno.stderr.writeSync = (p: Uint8Array) => (err += dec.decode(p), p.length);
  try {
    await fn();
  } finally {
    [Deno.stdout.writeSync, Deno.stderr.writeSync] = [o, e];
  }
  return { out, err };
}

function demo(seen: unknown[]): Command {
  const program = new Command("demo").description("a demo program");
  program.command("run").description("run it")
    .requiredOption("-e, --experiments <files...>", "experiment files")
    .option("-o, --output <dir>", "output directory", "./Output")
    .option("--no-smooth", "straight lines")
    .option("--resume", "continue")
    .addOption(new Option("--plot <level>", "plots").choices(["nothing", "all"]).default("all"))
    .action((o: Record<string, unknown>) => void seen.push(o));
  program.command("show").argument("<file>", "what to show").action((file: string) =>
    void seen.push(file)
  );
  return program;
}

Deno.test("options: variadic, defaults, negation, flags, --x=v and -xv forms", async () => {
  const seen: unknown[] = [];
  await demo(seen).parseAsync(["run", "-e", "a.toml", "b.toml", "--no-smooth", "--plot=nothing"]);
  await demo(seen).parseAsync(["run", "-ea.toml", "--resume", "-o", "Out", "-e", "c.toml"]);
  assert.deepEqual(seen, [
    { experiments: ["a.toml", "b.toml"], output: "./Output", smooth: false, plot: "nothing" },
    { experiments: ["a.toml", "c.toml"], output: "Out", smooth: true, plot: "all", resume: true },
  ]);
});

Deno.test("usage errors print commander's messages and the help, and throw exit code 1", async () => {
  const cases: [string[], string][] = [
    [["run"], "error: required option '-e, --experiments <files...>' not specified"],
    [["run", "-e", "a", "--plots", "x"], "error: unknown option '--plots'\n(Did you mean --plot?)"],
    [
      ["run", "-e", "a", "--plot", "x"],
      "error: option '--plot <level>' argument 'x' is invalid. Allowed choices are nothing, all.",
    ],
    [["run", "-e", "a", "-o"], "error: option '-o, --output <dir>' argument missing"],
    [["rnu"], "error: unknown command 'rnu'\n(Did you mean run?)"],
    [["show"], "error: missing required argument 'file'"],
    [
      ["show", "a", "b"],
      "error: too many arguments for 'show'. Expected 1 argument but got 2: a, b.",
    ],
  ];
  for (const [argv, message] of cases) {
    let thrown: unknown;
    const { err } = await captured(async () => {
      try {
        await demo([]).parseAsync(argv);
      } catch (e) {
        thrown = e;
      }
    });
    assert.ok(thrown instanceof CommandLineError, argv.join(" "));
    assert.equal(thrown.exitCode, 1);
    assert.ok(err.startsWith(`${message}\n\nUsage: demo `), err);
  }
});

Deno.test("help: commander's layout, wrapped at 80 columns, exit code 0", async () => {
  let thrown: unknown;
  const { out } = await captured(async () => {
    try {
      await demo([]).parseAsync(["run", "--help"]);
    } catch (e) {
      thrown = e;
    }
  });
  assert.ok(thrown instanceof CommandLineError && thrown.exitCode === 0);
  assert.equal(
    out,
    [
      "Usage: demo run [options]",
      "",
      "run it",
      "",
      "Options:",
      "  -e, --experiments <files...>  experiment files",
      '  -o, --output <dir>            output directory (default: "./Output")',
      "  --no-smooth                   straight lines",
      "  --resume                      continue",
      '  --plot <level>                plots (choices: "nothing", "all", default:',
      '                                "all")',
      "  -h, --help                    display help for command",
      "",
    ].join("\n"),
  );
});

Deno.test("exfit's command table lists each command as its module registers it", async () => {
  const program = buildProgram();
  const lazy = program.helpText();
  await program.loadAll();
  assert.equal(program.helpText(), lazy);
  assert.ok(program.commands.length >= 11);
});

Deno.test("the experiment names of `exfit --help` are the catalog's", () => {
  assert.deepEqual(EXPERIMENT_NAME_LIST, EXPERIMENT_NAMES);
});

Deno.test("`exfit --help` loads only the command table and the parser", () => {
  const { files, packages } = loadedAtStart(REPO, "src/cli/main.ts");
  assert.deepEqual([...packages], []);
  assert.ok(files.size <= 8, [...files].join(", "));
});
