/**
 * A small declarative command-line parser with commander's API subset and help layout.
 *
 * Why not commander itself: loading it through Deno's Node compatibility layer cost about 60 ms of
 * every `exfit` start (`exfit --help` took 0.22 s against 0.055 s for an empty `deno run`;
 * `deno task bench` prints both). This module keeps what exfit uses — subcommands, options with
 * a required, variadic or no value, `--no-x` negation, choices, defaults, required options, one
 * positional argument list, help text after the options — and prints the same help and the same
 * error messages (`error: unknown option '--x'`, `error: required option '…' not specified`, …).
 *
 * @example
 * ```ts
 * const program = new Command("exfit").description("fit NMR data");
 * program.command("fit").description("fit")
 *   .requiredOption("-e, --experiments <files...>", "experiment files")
 *   .option("--seed <n>", "root seed", "0")
 *   .action((o) => console.log(o.experiments, o.seed));
 * await program.parseAsync(["fit", "-e", "a.toml", "b.toml"]);
 * ```
 *
 * @module
 */

/** Raised for every outcome that ends parsing early: help shown (exit 0) or a usage error. */
export class CommandLineError extends Error {
  /** "cli.help" after help was printed, "cli.error" after a usage error was printed. */
  readonly code: "cli.help" | "cli.error";
  readonly exitCode: number;
  constructor(code: "cli.help" | "cli.error", exitCode: number, message: string) {
    super(message);
    this.name = "CommandLineError";
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** One option, from flags such as `-e, --experiments <files...>`, `--resume` or `--no-smooth`. */
export class Option {
  readonly flags: string;
  readonly description: string;
  readonly short?: string;
  readonly long: string;
  /** `<value>`: takes one value; `<value...>`: takes every following non-option argument. */
  readonly takesValue: boolean;
  readonly variadic: boolean;
  readonly negate: boolean;
  /** Property of the parsed options object (camelCase of the long name, without `no-`). */
  readonly key: string;
  mandatory = false;
  defaultValue?: unknown;
  argChoices?: readonly string[];

  constructor(flags: string, description = "") {
    this.flags = flags;
    this.description = description;
    const m = /^(?:(-\w),\s*)?(--[\w-]+)(?:\s+(<[^>]+>|\[[^\]]+\]))?$/.exec(flags.trim());
    if (!m) throw new Error(`option flags "${flags}": expected "-s, --long <value>"`);
    this.short = m[1];
    this.long = m[2];
    this.takesValue = m[3] !== undefined;
    this.variadic = Boolean(m[3]?.includes("..."));
    this.negate = this.long.startsWith("--no-");
    const name = this.long.slice(this.negate ? 5 : 2);
    this.key = name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  }

  /** Only these values are accepted (shown in help). */
  choices(values: readonly string[]): this {
    this.argChoices = values;
    return this;
  }

  /** Value when the option is not given (shown in help for options that take a value). */
  default(value: unknown): this {
    this.defaultValue = value;
    return this;
  }

  /** True when `arg` names this option. */
  is(arg: string): boolean {
    return arg === this.short || arg === this.long;
  }
}

type Action = (...args: never[]) => void | Promise<void>;
type HelpText = string | (() => string);

/** A command: the program itself or one of its subcommands. */
export class Command {
  readonly options: Option[] = [];
  readonly commands: Command[] = [];
  parent?: Command;
  /** After parsing: the arguments this command received (the whole command line for the program). */
  args: string[] = [];
  private readonly commandName: string;
  private text = "";
  private helpAfter: HelpText[] = [];
  private handler?: Action;
  private params: { name: string; required: boolean; description: string }[] = [];
  /** Set on a placeholder: its line in the parent's help, and what registers the real command. */
  private placeholder?: { term: string; load: () => Promise<void> };

  constructor(name = "") {
    this.commandName = name;
  }

  /** The command's name. */
  name(): string {
    return this.commandName;
  }

  /** Set the description (shown in help and in the parent's command list). */
  description(text: string): this {
    this.text = text;
    return this;
  }

  /** Add and return a subcommand (it takes the place of a placeholder of that name). */
  command(name: string): Command {
    const sub = new Command(name);
    sub.parent = this;
    const at = this.commands.findIndex((c) => c.commandName === name && c.placeholder);
    if (at >= 0) this.commands[at] = sub;
    else this.commands.push(sub);
    return sub;
  }

  /**
   * A subcommand listed in help as `term` with `description`, whose module is loaded only when
   * it runs or shows its own help: `load` must register it (and may register others: one load
   * runs once). tests/cli_command_test.ts checks that the listing equals the loaded commands'.
   *
   * @example
   * ```ts
   * program.lazyCommand("work", "work [options]", "run one array task", async () => {
   *   (await import("./cluster.ts")).registerClusterCommands(program, deps);
   * });
   * ```
   */
  lazyCommand(name: string, term: string, description: string, load: () => Promise<void>): this {
    const sub = this.command(name).description(description);
    let loading: Promise<void> | undefined;
    sub.placeholder = { term, load: () => loading ??= load() };
    return this;
  }

  /** Register every lazy subcommand (for tests and tools that need the whole tree). */
  async loadAll(): Promise<void> {
    // One load may register several commands (and replace their placeholders).
    for (const c of [...this.commands]) {
      if (this.commands.includes(c)) await c.placeholder?.load();
    }
  }

  /** A positional argument: `<name>` required, `[name]` optional. */
  argument(spec: string, description = ""): this {
    const m = /^([<[])([\w-]+)[>\]]$/.exec(spec);
    if (!m) throw new Error(`argument "${spec}": expected <name> or [name]`);
    this.params.push({ name: m[2], required: m[1] === "<", description });
    return this;
  }

  /** An option; `defaultValue` when it is not given. */
  option(flags: string, description = "", defaultValue?: unknown): this {
    const o = new Option(flags, description);
    if (defaultValue !== undefined) o.default(defaultValue);
    return this.addOption(o);
  }

  /** An option that must be given. */
  requiredOption(flags: string, description = "", defaultValue?: unknown): this {
    this.option(flags, description, defaultValue);
    this.options[this.options.length - 1].mandatory = true;
    return this;
  }

  /** Add a built option (for choices). */
  addOption(option: Option): this {
    this.options.push(option);
    return this;
  }

  /** Text printed after the help (`position` "after" only); a function is called when shown. */
  addHelpText(position: "after", text: HelpText): this {
    if (position !== "after") throw new Error(`addHelpText: unsupported position ${position}`);
    this.helpAfter.push(text);
    return this;
  }

  /** The function run with the arguments, the options object and this command. */
  // deno-lint-ignore no-explicit-any
  action(fn: (...args: any[]) => void | Promise<void>): this {
    this.handler = fn;
    return this;
  }

  /**
   * Parse `argv` (the user's arguments, without the executable and script) and run the chosen
   * command's action. Help and usage errors are printed, then thrown as `CommandLineError`.
   */
  async parseAsync(argv: readonly string[]): Promise<void> {
    this.args = [...argv];
    if (this.commands.length === 0) return await this.run(argv);
    if (argv[0] === "-h" || argv[0] === "--help") this.help(false);
    const at = argv.findIndex((a) => !a.startsWith("-") || a.length === 1);
    if (at < 0) {
      const unknown = argv.find((a) => a !== "--");
      if (unknown) this.fail(`error: unknown option '${unknown}'`);
      this.help(true);
    }
    const name = argv[at];
    const rest = [...argv.slice(0, at), ...argv.slice(at + 1)];
    if (name === "help") {
      const target = rest[0] === undefined ? this : await this.findCommand(rest[0]);
      if (!target) this.fail(`error: unknown command '${rest[0]}'`);
      return target.help(false);
    }
    const sub = await this.findCommand(name);
    if (!sub) {
      const names = this.commands.map((c) => c.commandName);
      this.fail(`error: unknown command '${name}'${suggestSimilar(name, [...names, "help"], "")}`);
    }
    await sub.run(rest);
  }

  /** The subcommand `name`, registered first if it is a placeholder. */
  private async findCommand(name: string): Promise<Command | undefined> {
    const found = this.commands.find((c) => c.commandName === name);
    if (!found?.placeholder) return found;
    await found.placeholder.load();
    const loaded = this.commands.find((c) => c.commandName === name);
    if (!loaded || loaded.placeholder) throw new Error(`command ${name} was not registered`);
    return loaded;
  }

  private findOption(arg: string): Option | undefined {
    return this.options.find((o) => o.is(arg));
  }

  /** Parse this command's own arguments (commander's order of checks), then call the action. */
  private async run(argv: readonly string[]): Promise<void> {
    const { values, operands, unknown } = this.parseOptions(argv);
    if ([...operands, ...unknown].some((a) => a === "-h" || a === "--help")) this.help(false);
    for (const o of this.options) {
      if (o.mandatory && values[o.key] === undefined) {
        this.fail(`error: required option '${o.flags}' not specified`);
      }
    }
    if (unknown.length) {
      this.fail(`error: unknown option '${unknown[0]}'${this.suggest(unknown[0])}`);
    }
    const missing = this.params.slice(operands.length).find((p) => p.required);
    if (missing) this.fail(`error: missing required argument '${missing.name}'`);
    if (operands.length > this.params.length && this.handler) {
      const n = this.params.length;
      this.fail(
        `error: too many arguments for '${this.commandName}'. Expected ${n} argument${
          n === 1 ? "" : "s"
        } but got ${operands.length}: ${operands.join(", ")}.`,
      );
    }
    this.args = [...operands, ...unknown];
    if (!this.handler) return;
    const positional = this.params.map((_, i) => operands[i]);
    await (this.handler as (...a: unknown[]) => void | Promise<void>)(...positional, values, this);
  }

  /** Options, operands (positional arguments) and unknown options, as commander splits them. */
  private parseOptions(argv: readonly string[]) {
    const values: Record<string, unknown> = {};
    for (const o of this.options) {
      if (o.negate) values[o.key] = o.defaultValue ?? true;
      else if (o.defaultValue !== undefined) values[o.key] = o.defaultValue;
    }
    const given = new Set<Option>();
    const set = (o: Option, value?: string) => {
      if (!o.takesValue) {
        values[o.key] = !o.negate;
        return;
      }
      if (value === undefined) this.fail(`error: option '${o.flags}' argument missing`);
      if (o.argChoices && !o.argChoices.includes(value)) {
        this.fail(
          `error: option '${o.flags}' argument '${value}' is invalid. Allowed choices are ` +
            `${o.argChoices.join(", ")}.`,
        );
      }
      if (o.variadic) {
        const prev = given.has(o) ? values[o.key] as string[] : [];
        values[o.key] = [...prev, value];
      } else values[o.key] = value;
      given.add(o);
    };
    const operands: string[] = [];
    const unknown: string[] = [];
    let variadic: Option | undefined;
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i];
      const isOption = arg.length > 1 && arg[0] === "-";
      if (arg === "--") {
        (unknown.length ? unknown : operands).push(...argv.slice(unknown.length ? i : i + 1));
        break;
      }
      if (variadic && !isOption) {
        set(variadic, arg);
        continue;
      }
      variadic = undefined;
      const option = isOption ? this.findOption(arg) : undefined;
      if (option) {
        set(option, option.takesValue ? argv[++i] : undefined);
        if (option.variadic) variadic = option;
        continue;
      }
      const short = arg.length > 2 && arg[0] === "-" && arg[1] !== "-"
        ? this.findOption(arg.slice(0, 2))
        : undefined;
      if (short?.takesValue) {
        set(short, arg.slice(2));
        continue;
      }
      const eq = /^(--[^=]+)=/.exec(arg);
      const long = eq ? this.findOption(eq[1]) : undefined;
      if (long?.takesValue) {
        set(long, arg.slice(eq![0].length));
        continue;
      }
      // Once an unknown option is seen, everything after it is "unknown" (as commander).
      if (isOption || unknown.length) unknown.push(arg);
      else operands.push(arg);
    }
    return { values, operands, unknown };
  }

  /** `\n(Did you mean --x?)` for an unknown long option close to known ones (commander's rule). */
  private suggest(arg: string): string {
    if (!arg.startsWith("--")) return "";
    return suggestSimilar(
      arg.slice(2),
      [...this.options.map((o) => o.long), "--help"]
        .map((l) => l.slice(2)),
      "--",
    );
  }

  /** Print `message` and the help to stderr, then throw. */
  private fail(message: string): never {
    writeErr(`${message}\n\n${this.helpText()}`);
    throw new CommandLineError("cli.error", 1, message);
  }

  /** Print the help (stderr when `error`) and throw. */
  private help(error: boolean): never {
    if (error) writeErr(this.helpText());
    else writeOut(this.helpText(outputWidth()));
    throw error
      ? new CommandLineError("cli.error", 1, "(outputHelp)")
      : new CommandLineError("cli.help", 0, "(outputHelp)");
  }

  /** The help text, laid out as commander's (`width` columns). */
  helpText(width = 80): string {
    const items = (rows: [string, string][]) => rows;
    const optionRows = items([
      ...this.options.map((o): [string, string] => [o.flags, optionDescription(o)]),
      ["-h, --help", "display help for command"],
    ]);
    const commandRows = this.commands.map((c): [string, string] => [c.term(), c.text]);
    if (commandRows.length) commandRows.push(["help [command]", "display help for command"]);
    const argumentRows = this.params.some((p) => p.description)
      ? this.params.map((p): [string, string] => [p.name, p.description])
      : [];
    const termWidth = Math.max(
      ...[...optionRows, ...commandRows, ...argumentRows].map((r) => r[0].length),
    );
    const section = (title: string, rows: [string, string][]) =>
      rows.length ? [title, ...rows.map(([t, d]) => formatItem(t, termWidth, d, width)), ""] : [];
    const lines = [
      `Usage: ${this.usage()}`,
      "",
      ...(this.text ? [boxWrap(this.text, width), ""] : []),
      ...section("Arguments:", argumentRows),
      ...section("Options:", optionRows),
      ...section("Commands:", commandRows),
    ];
    const after = this.helpAfter.map((t) => `${typeof t === "function" ? t() : t}\n`);
    return lines.join("\n") + after.join("");
  }

  private paramTerms(): string[] {
    return this.params.map((p) => p.required ? `<${p.name}>` : `[${p.name}]`);
  }

  private usage(): string {
    const names = [this.commandName];
    for (let c = this.parent; c; c = c.parent) names.unshift(c.commandName);
    const parts = [
      "[options]",
      ...(this.commands.length ? ["[command]"] : []),
      ...this.paramTerms(),
    ];
    return `${names.join(" ")} ${parts.join(" ")}`;
  }

  /** The command as listed in its parent's help, e.g. `reprocess [options] <catalog>`. */
  private term(): string {
    if (this.placeholder) return this.placeholder.term;
    return [this.commandName, ...(this.options.length ? ["[options]"] : []), ...this.paramTerms()]
      .join(" ");
  }
}

function optionDescription(o: Option): string {
  const extra: string[] = [];
  if (o.argChoices) extra.push(`choices: ${o.argChoices.map((c) => JSON.stringify(c)).join(", ")}`);
  if (o.defaultValue !== undefined && o.takesValue) {
    extra.push(`default: ${JSON.stringify(o.defaultValue)}`);
  }
  if (!extra.length) return o.description;
  return o.description ? `${o.description} (${extra.join(", ")})` : `(${extra.join(", ")})`;
}

/** One help row: the term padded to `termWidth`, the description wrapped beside it. */
function formatItem(term: string, termWidth: number, description: string, width: number): string {
  if (!description) return `  ${term}`;
  const remaining = width - termWidth - 4;
  // A description with an indented line is laid out by its author (commander's rule).
  const text = remaining < 40 || /\n[^\S\r\n]/.test(description)
    ? description
    : boxWrap(description, remaining).replace(/\n/g, "\n" + " ".repeat(termWidth + 2));
  return `  ${term.padEnd(termWidth)}  ${text.replace(/\n/g, "\n  ")}`;
}

/** Wrap each line of `text` at `width` columns on whitespace. */
function boxWrap(text: string, width: number): string {
  if (width < 40) return text;
  const out: string[] = [];
  for (const line of text.split(/\r\n|\n/)) {
    const chunks = line.match(/\s*\S+/g);
    if (!chunks) {
      out.push("");
      continue;
    }
    let current = chunks[0];
    for (const chunk of chunks.slice(1)) {
      if (current.length + chunk.length <= width) current += chunk;
      else {
        out.push(current);
        current = chunk.trimStart();
      }
    }
    out.push(current);
  }
  return out.join("\n");
}

/** Levenshtein distance with adjacent transpositions, for "Did you mean". */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * Closest candidates within 2 edits and more than 40 % alike, as a `\n(Did you mean …?)` line.
 */
function suggestSimilar(word: string, candidates: string[], prefix: string): string {
  let best: string[] = [];
  let bestDistance = 3;
  for (const c of new Set(candidates)) {
    if (c.length <= 1) continue;
    const d = editDistance(word, c);
    const length = Math.max(word.length, c.length);
    if ((length - d) / length <= 0.4) continue;
    if (d < bestDistance) [best, bestDistance] = [[c], d];
    else if (d === bestDistance) best.push(c);
  }
  const named = best.sort((a, b) => a.localeCompare(b)).map((c) => prefix + c);
  if (named.length > 1) return `\n(Did you mean one of ${named.join(", ")}?)`;
  return named.length ? `\n(Did you mean ${named[0]}?)` : "";
}

/** Terminal width for help on a terminal (as commander), else 80 columns. */
function outputWidth(): number {
  try {
    return Deno.stdout.isTerminal() ? Deno.consoleSize().columns : 80;
  } catch {
    return 80;
  }
}

const encoder = new TextEncoder();

function writeAll(out: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length) bytes = bytes.subarray(out.writeSync(bytes));
}

function writeOut(text: string): void {
  writeAll(Deno.stdout, text);
}

function writeErr(text: string): void {
  writeAll(Deno.stderr, text);
}
