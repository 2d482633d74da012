/**
 * Import a module through a specifier Deno cannot see ahead of time.
 *
 * Why: `deno run` loads the module graph of every `import("literal")` at start, whether or not
 * the code ever runs it. `exfit --help` would load the whole program (about 30 ms), and
 * `fit --plot nothing` the plotting modules. A URL built at run time is loaded only when
 * imported; the type argument keeps the call checked.
 *
 * @example
 * ```ts
 * const { plotFiles } = await lazyImport<typeof import("../report/plot_files.ts")>(
 *   new URL("../report/plot_files.ts", import.meta.url),
 * );
 * ```
 *
 * @module
 */

/** `import(url)`, typed as `T`. */
export function lazyImport<T>(url: URL): Promise<T> {
  return import(url.href);
}
