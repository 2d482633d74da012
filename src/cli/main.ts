/**
 * `exfit` command line: the table of commands and the entry point.
 *
 * Start-up is kept light on purpose (issue 10: `exfit --help` within 60 ms of an empty
 * `deno run`; `deno task bench` prints both): this module loads only the parser
 * (`command.ts`) and the experiment names. Every command is a lazy entry — its line in the
 * top-level help is here, and its module (with the numerical core, the workflows, plotting) is
 * imported only when that command runs or shows its own help. tests/cli_command_test.ts checks
 * that each entry's line equals the loaded command's.
 *
 * Relative paths are the user's: under `deno task`, the working directory is the project's, so
 * we move back to the directory the task was started from (`INIT_CWD`).
 *
 * @module
 */
import { Command, CommandLineError } from "./command.ts";
import { EXPERIMENT_NAME_LIST } from "../experiments/names.ts";
import { restoreTaskCwd } from "./_cwd.ts";
import { describeFailure, exitOnInterrupt } from "./failure.ts";
import { lazyImport } from "../config/lazy_import.ts";

/** One lazily loaded command: its help line, and the module that registers it. */
interface CommandEntry {
  name: string;
  term: string;
  description: string;
  load: (program: Command, argv: readonly string[]) => Promise<void>;
}

type FitModule = typeof import("./fit_command.ts");

const fitCommands = async (program: Command, argv: readonly string[]) =>
  (await lazyImport<FitModule>(new URL("./fit_command.ts", import.meta.url))).registerFitCommands(
    program,
    argv,
  );
const clusterCommands = async (program: Command) => {
  const [{ registerClusterCommands }, { fitDeps }] = await Promise.all([
    lazyImport<typeof import("./cluster.ts")>(new URL("./cluster.ts", import.meta.url)),
    lazyImport<FitModule>(new URL("./fit_command.ts", import.meta.url)),
  ]);
  registerClusterCommands(program, fitDeps);
};

/** Every command, in the order of the help. */
const COMMANDS: readonly CommandEntry[] = [
  {
    name: "fit",
    term: "fit [options]",
    description: "fit experiments to a kinetic model",
    load: fitCommands,
  },
  {
    name: "simulate",
    term: "simulate [options]",
    description: "simulate profiles from parameters (noise-free)",
    load: fitCommands,
  },
  {
    name: "plan",
    term: "plan [options]",
    description: "plan the next round of work items of a fit into a run folder; prints the " +
      "number of array tasks N last (0: the run is complete)",
    load: clusterCommands,
  },
  {
    name: "work",
    term: "work [options]",
    description: "run one array task of a planned round (index from --index, " +
      "SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or " +
      "CLOUD_RUN_TASK_INDEX)",
    load: clusterCommands,
  },
  {
    name: "merge",
    term: "merge [options]",
    description: "check every task's results of the last round and write the completed steps " +
      "into the output folder",
    load: clusterCommands,
  },
  {
    name: "worker",
    term: "worker [options]",
    description:
      "run work items from a NATS JetStream queue (fit --executor queue) until SIGINT/SIGTERM",
    load: async (program) =>
      (await lazyImport<typeof import("./worker.ts")>(new URL("./worker.ts", import.meta.url)))
        .registerWorkerCommand(program),
  },
  {
    name: "reprocess",
    term: "reprocess [options] <catalog>",
    description: "refit every study of a catalogue whose inputs changed, into " +
      "<folder>/history/ (docs/reprocess.md)",
    load: async (program) => {
      const [{ registerReprocessCommand }, { fitDeps }] = await Promise.all([
        lazyImport<typeof import("./reprocess.ts")>(new URL("./reprocess.ts", import.meta.url)),
        lazyImport<FitModule>(new URL("./fit_command.ts", import.meta.url)),
      ]);
      registerReprocessCommand(program, fitDeps);
    },
  },
  {
    name: "serve",
    term: "serve [options]",
    description: "serve the fitting functions over HTTP for `fit --endpoints` (docs/workflows.md)",
    load: async (program) =>
      (await lazyImport<typeof import("./serve.ts")>(new URL("./serve.ts", import.meta.url)))
        .registerServeCommand(program),
  },
  {
    name: "plot_param",
    term: "plot_param [options]",
    description: "plot a parameter (value ± error) against residue number, as SVG, PDF and HTML",
    load: async (program) =>
      (await lazyImport<typeof import("./plot_param.ts")>(
        new URL("./plot_param.ts", import.meta.url),
      )).addPlotParamCommand(
        program,
      ),
  },
  {
    name: "compare",
    term: "compare [options]",
    description: "fit the study under several models (or method files) and compare them by " +
      "χ², AIC, AICc, BIC",
    load: async (program) => {
      const [{ addCompareCommand }, { steps }] = await Promise.all([
        lazyImport<typeof import("./compare.ts")>(new URL("./compare.ts", import.meta.url)),
        lazyImport<FitModule>(new URL("./fit_command.ts", import.meta.url)),
      ]);
      addCompareCommand(program, steps);
    },
  },
  {
    name: "pick_cest",
    term: "pick_cest [options]",
    description: "pick the major and minor dips of CEST profiles in the browser (cs_a/dw_ab.toml)",
    load: async (program) =>
      (await lazyImport<typeof import("./pick_cest.ts")>(
        new URL("./pick_cest.ts", import.meta.url),
      )).addPickCestCommand(program),
  },
];

/**
 * Build the program (exported for tests); `argv` is what `fit` records in `run_info/`.
 * Commands are registered when they run (`Command.loadAll` registers all of them).
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(["fit", "-e", "a.toml", "-p", "p.toml"]);
 * ```
 */
export function buildProgram(argv: readonly string[] = []): Command {
  const program = new Command("exfit").description(
    "Fit NMR chemical-exchange data (CPMG, CEST, relaxation, shifts) with ChemEx's files.\n" +
      `Experiments: ${EXPERIMENT_NAME_LIST.join(", ")}`,
  );
  for (const c of COMMANDS) {
    program.lazyCommand(c.name, c.term, c.description, () => c.load(program, argv));
  }
  return program;
}

/**
 * Run the CLI; returns the exit code (1 on any user-facing error, with one clear message).
 *
 * @example
 * ```ts
 * Deno.exit(await main(Deno.args));
 * ```
 */
export async function main(args: string[]): Promise<number> {
  // `--debug` anywhere (global or after a subcommand): tracebacks for unexpected errors.
  const debug = args.includes("--debug") || Boolean(Deno.env.get("EXFIT_DEBUG"));
  try {
    await buildProgram(args).parseAsync(args.filter((a) => a !== "--debug"));
    return 0;
  } catch (e) {
    if (e instanceof CommandLineError) return e.exitCode;
    console.error(describeFailure(e as Error, debug));
    return 1;
  }
}

/**
 * The program's start: back to the user's directory under `deno task`, Ctrl-C handling, then
 * {@link main} on the process arguments; returns the exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await startCli());
 * ```
 */
export async function startCli(): Promise<number> {
  restoreTaskCwd();
  // fit/simulate only: `serve` stops on SIGINT by itself.
  if (["fit", "simulate"].includes(commandOf(Deno.args) ?? "")) exitOnInterrupt();
  return await main(Deno.args);
}

/**
 * {@link startCli}, then exit with its code.
 *
 * @example
 * ```ts
 * await runCli();
 * ```
 */
export async function runCli(): Promise<never> {
  Deno.exit(await startCli());
}

/** The command the arguments name (the first that is not an option), if any. */
function commandOf(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith("-"));
}

if (import.meta.main) await runCli();
