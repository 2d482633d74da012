/**
 * What `deno task build` (`build.ts`) records about its inputs, and the check that the bundle is
 * still current (`exfit.ts`): every input file with its size and modification time. Any change —
 * an edited, added-then-imported, moved or deleted source, a new `deno.json` or lockfile — makes
 * the bundle stale, and the sources run instead.
 *
 * @module
 */

/** The bundle's folder, relative to the repository root. */
export const BUNDLE_DIR = "dist/cli";

/**
 * The command line as one classic script in the bundle's folder (`_classic_build.ts`), run with
 * a V8 code cache made at the end of a run (`_classic_bundle.ts`).
 */
export const CLASSIC_BUNDLE_FILE = "exfit_cli.js";

/** One input of the bundle. */
export interface InputStamp {
  /** Path relative to the repository root. */
  path: string;
  size: number;
  mtimeMs: number;
}

/** `dist/cli/manifest.json`. */
export interface Manifest {
  inputs: InputStamp[];
}

/**
 * File name (without `.js`) of the bundle entry for a source path relative to the root.
 *
 * @example
 * ```ts
 * bundleEntryName("src/cli/main.ts"); // "src_cli_main"
 * ```
 */
export function bundleEntryName(relPath: string): string {
  return relPath.replace(/\.ts$/, "").replace(/[\\/]/g, "_");
}

/**
 * Size and modification time of one input, now.
 *
 * @example
 * ```ts
 * inputStamp("/opt/exfit", "src/cli/main.ts"); // { path, size, mtimeMs }
 * ```
 */
export function inputStamp(root: string, path: string): InputStamp {
  const st = Deno.statSync(`${root}/${path}`);
  return { path, size: st.size, mtimeMs: st.mtime?.getTime() ?? -1 };
}

/**
 * The bundle's main module when the bundle under `root` exists and every input is as it was
 * built from; otherwise null.
 *
 * @example
 * ```ts
 * const url = currentBundle("/opt/exfit") ?? new URL("./main.ts", import.meta.url);
 * ```
 */
export function currentBundle(root: string): URL | null {
  const dir = `${root}/${BUNDLE_DIR}`;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`));
  } catch {
    return null;
  }
  if (!Array.isArray(manifest?.inputs) || manifest.inputs.length === 0) return null;
  for (const want of manifest.inputs) {
    try {
      const have = inputStamp(root, want.path);
      if (have.size !== want.size || have.mtimeMs !== want.mtimeMs) return null;
    } catch {
      return null;
    }
  }
  const main = `${dir}/${bundleEntryName("src/cli/main.ts")}.js`;
  try {
    Deno.statSync(main);
  } catch {
    return null;
  }
  return new URL(`file://${main}`);
}

/**
 * The classic-script form of the current bundle ({@link CLASSIC_BUNDLE_FILE}), as a path, when
 * the bundle is current and has one; otherwise null.
 *
 * @example
 * ```ts
 * const script = currentClassicBundle("/opt/exfit"); // "/opt/exfit/dist/cli/exfit_cli.js"
 * ```
 */
export function currentClassicBundle(root: string): string | null {
  return currentBundle(root) === null ? null : classicScriptIn(root);
}

/**
 * The bundle's classic script under `root` if the file exists (currency is
 * {@link currentBundle}'s to tell).
 *
 * @example
 * ```ts
 * const script = currentBundle(root) && classicScriptIn(root);
 * ```
 */
export function classicScriptIn(root: string): string | null {
  const file = `${root}/${BUNDLE_DIR}/${CLASSIC_BUNDLE_FILE}`;
  try {
    Deno.statSync(file);
  } catch {
    return null;
  }
  return file;
}
