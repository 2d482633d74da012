/**
 * `run_info/` of ChemEx 2026.09 (schema 2, spec §5.2): `run.toml` (what ran: command, inputs
 * with hashes, software, seeds), `parameters_used.toml` (the original start), `restart.toml` (the
 * latest committed state, an ordinary `-p` file) and `outcome.toml`. Text only; the CLI writes.
 *
 * @module
 */
import { sectionAndKey } from "../params/name.ts";
import type { ParamStore } from "../params/store.ts";
import { pyRepr } from "../math/pyformat.ts";

/** One archived input file. */
export interface RunInput {
  category: "experiments" | "parameters" | "methods";
  providedPath: string;
  resolvedPath: string;
  /** Relative to the output folder, e.g. `run_info/inputs/methods/method.toml`. */
  copiedPath: string;
  sha256: string;
}

/** A stochastic operation and its seed. */
export interface StochasticOperation {
  step: string;
  kind: "de" | "mc" | "bs" | "bsn" | "mcmc";
  seed: string;
}

/** What `run.toml` records. */
export interface RunRecord {
  createdAtUtc: string;
  kind: "fit" | "simulate";
  workingDirectory: string;
  requestedOutputPath: string;
  resolvedOutputPath: string;
  model: string;
  arguments: string[];
  include: string[];
  exclude: string[];
  workers: string;
  software: Record<string, string>;
  compat: string;
  rootSeed: string;
  inputs: RunInput[];
  stochastic: StochasticOperation[];
}

function str(s: string): string {
  return JSON.stringify(s);
}

function list(items: readonly string[]): string {
  return `[${items.map(str).join(", ")}]`;
}

/**
 * `run.toml`: one key per line, a blank line after each table, tables in ChemEx's order.
 *
 * @example
 * ```ts
 * formatRunToml(record).split("\n")[3]; // "schema_version = 2"
 * ```
 */
export function formatRunToml(r: RunRecord): string {
  const out = [
    "# exfit run information (ChemEx run_info schema 2).",
    "# Archived inputs are verbatim copies of the invocation TOML files.",
    "",
    "schema_version = 2",
    `created_at_utc = ${str(r.createdAtUtc)}`,
    "",
    "[run]",
    `kind = ${str(r.kind)}`,
    `working_directory = ${str(r.workingDirectory)}`,
    `requested_output_path = ${str(r.requestedOutputPath)}`,
    `resolved_output_path = ${str(r.resolvedOutputPath)}`,
    `model = ${str(r.model)}`,
    `compat = ${str(r.compat)}`,
    `root_seed = ${str(r.rootSeed)}`,
    "",
    "[command]",
    `arguments = ${list(r.arguments)}`,
    "",
    "[selection]",
    `include = ${list(r.include)}`,
    `exclude = ${list(r.exclude)}`,
    "",
    "[execution]",
    `workers = ${str(r.workers)}`,
    'native_threads = "automatic"',
    "",
    "[software]",
    ...Object.entries(r.software).map(([k, v]) => `${k} = ${str(v)}`),
    "",
  ];
  for (const i of r.inputs) {
    out.push(
      `[[inputs.${i.category}]]`,
      `provided_path = ${str(i.providedPath)}`,
      `resolved_path = ${str(i.resolvedPath)}`,
      `copied_path = ${str(i.copiedPath)}`,
      `sha256 = ${str(i.sha256)}`,
      "",
    );
  }
  for (const s of r.stochastic) {
    out.push(
      "[[stochastic_operations]]",
      `step = ${str(s.step)}`,
      `kind = ${str(s.kind)}`,
      `seed = ${str(s.seed)}`,
      "",
    );
  }
  return out.join("\n");
}

const HEADERS = {
  used: [
    "# Original invocation start used by exfit.",
    "# This file reproduces the original start; it is not the latest fitted state.",
    "# Each array is [value, minimum, maximum].",
  ],
  restart: [
    "# Latest committed continuation state reached by this invocation.",
    "# Use this ordinary parameter file with: exfit fit ... -p restart.toml ...",
    "# Each array is [value, minimum, maximum].",
  ],
};

/**
 * `parameters_used.toml` ("used") or `restart.toml` ("restart"): every parameter in `ids` (those
 * whose baseline role is not derived) as `"KEY" = [value, min, max]` under always-quoted
 * sections, Python-repr floats (`inf`, `-inf`).
 *
 * @example
 * ```ts
 * formatParameterState(store, ["KEX_AB"], "restart"); // '…\n["GLOBAL"]\n"KEX_AB" = [400.0, 0.0, inf]\n'
 * ```
 */
export function formatParameterState(
  store: ParamStore,
  ids: readonly string[],
  kind: "used" | "restart",
): string {
  const sections = new Map<string, string[]>();
  for (const id of ids) {
    const p = store.get(id);
    if (!p) continue;
    const { section, key } = sectionAndKey(p.pname);
    const lines = sections.get(section) ?? [];
    lines.push(`${str(key)} = [${[p.value, p.min, p.max].map(pyRepr).join(", ")}]`);
    sections.set(section, lines);
  }
  const out = [...HEADERS[kind]];
  for (const [section, lines] of sections) out.push("", `[${str(section)}]`, ...lines);
  return out.join("\n") + "\n";
}

/** `outcome.toml` fields. */
export interface Outcome {
  status: "running" | "complete" | "incomplete";
  latestCommittedRevision: number;
  restartRevision: number;
  failure?: { type: string; message: string; stage: string };
}

/**
 * `outcome.toml`.
 *
 * @example
 * ```ts
 * formatOutcomeToml({ status: "complete", latestCommittedRevision: 2, restartRevision: 2 });
 * ```
 */
export function formatOutcomeToml(o: Outcome): string {
  const out = [
    "schema_version = 2",
    `status = ${str(o.status)}`,
    `latest_committed_revision = ${o.latestCommittedRevision}`,
    `restart_revision = ${o.restartRevision}`,
  ];
  if (o.failure) {
    out.push(
      `terminal = ${str("failed")}`,
      `failure_type = ${str(o.failure.type)}`,
      `failure_message = ${str(o.failure.message)}`,
      `failure_stage = ${str(o.failure.stage)}`,
    );
  }
  return out.join("\n") + "\n";
}
