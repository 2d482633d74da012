/**
 * File-system helpers of the output writers (atomic trees, run staging).
 *
 * @module
 */

/** `Deno.statSync`, or null when the path does not exist. */
export function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** `Deno.lstatSync` (links not followed), or null when the path does not exist. */
export function lstatOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Remove a tree, ignoring failures: cleanup of our own temporary folders is best effort. */
export function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path, { recursive: true });
  } catch {
    // Already gone, or not ours to remove.
  }
}
