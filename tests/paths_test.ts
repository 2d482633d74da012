/**
 * `src/config/paths.ts` against `node:path/posix` on awkward paths: the readers and writers moved
 * off `node:path` for start-up time and must keep its answers.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import * as posix from "node:path/posix";
import { basename, dirname, extname, join, normalize, resolve } from "../src/config/paths.ts";

const PATHS = [
  "",
  ".",
  "..",
  "/",
  "a",
  "a/",
  "/a",
  "/a/",
  "a/b/c.toml",
  "/a/b/c.toml",
  "./a/../b//c/",
  "a//b///c",
  "../../x",
  "/../x",
  "/a/b/../../..",
  ".hidden",
  "dir/.hidden",
  "file.",
  "a.b.c",
  "dir.d/file",
  "Output/STEP1/",
  "a/./b/.",
];

Deno.test("normalize, dirname, basename and extname agree with node:path/posix", () => {
  for (const p of PATHS) {
    assertEquals(normalize(p), posix.normalize(p), `normalize(${JSON.stringify(p)})`);
    assertEquals(dirname(p), posix.dirname(p), `dirname(${JSON.stringify(p)})`);
    assertEquals(basename(p), posix.basename(p), `basename(${JSON.stringify(p)})`);
    assertEquals(extname(p), posix.extname(p), `extname(${JSON.stringify(p)})`);
    // node:path keeps a trailing slash when an extension does not match ("c/"): a quirk the
    // callers never meet (they strip extensions of file names only).
    if (p.endsWith("/")) continue;
    for (const ext of [".toml", "c.toml", ".b.c", "file"]) {
      assertEquals(basename(p, ext), posix.basename(p, ext), `basename(${p}, ${ext})`);
    }
  }
});

Deno.test("join and resolve agree with node:path/posix", () => {
  for (const a of PATHS) {
    for (const b of ["", "x", "/abs", "../up", "./here/", "y/../z"]) {
      assertEquals(
        join(a, b),
        posix.join(a, b),
        `join(${JSON.stringify(a)}, ${JSON.stringify(b)})`,
      );
      assertEquals(resolve(a, b), posix.resolve(a, b), `resolve(${a}, ${b})`);
    }
    assertEquals(resolve(a), posix.resolve(a), `resolve(${JSON.stringify(a)})`);
  }
  assertEquals(join(), posix.join());
  assertEquals(resolve(), posix.resolve());
  assertEquals(join("Output", "", "STEP1", "Plots"), posix.join("Output", "", "STEP1", "Plots"));
});
