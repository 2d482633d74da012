import { strict as assert } from "node:assert";
import {
  type AtomicFsOps,
  writeTreeAtomically,
  writeTreeAtomicallyWith,
} from "../src/output/atomic.ts";

/** Every file under `dir` (relative path → text), to compare whole trees before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (rel: string) => {
    for (const entry of Deno.readDirSync(`${dir}/${rel}`)) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory) visit(path);
      else out[path] = Deno.readTextFileSync(`${dir}/${path}`);
    }
  };
  visit("");
  return out;
}

/** A scratch parent holding an Output directory with a known previous result. */
function scratch(): { root: string; out: string; before: Record<string, string> } {
  const root = Deno.makeTempDirSync({ prefix: "exfit-atomic-" });
  const out = `${root}/Output`;
  writeTreeAtomically(
    out,
    new Map([
      ["STEP1/statistics.toml", "old stats"],
      ["STEP1/Data/a.dat", "old a"],
      ["STEP1/Data/stale.dat", "stale"],
      ["STEP2/statistics.toml", "old stats 2"],
      ["notes.txt", "user notes"],
    ]),
  );
  return { root, out, before: snapshot(out) };
}

function onlyOutputLeft(root: string): void {
  const names = [...Deno.readDirSync(root)].map((e) => e.name);
  assert.deepEqual(names, ["Output"], "temporary directories must be cleaned up");
}

Deno.test("writeTreeAtomically creates the directory tree and cleans up", () => {
  const root = Deno.makeTempDirSync({ prefix: "exfit-atomic-" });
  try {
    writeTreeAtomically(
      `${root}/Output`,
      new Map<string, string | Uint8Array>([
        ["STEP1/Parameters/fitted.toml", "[GLOBAL]\n"],
        ["STEP1/bytes.bin", new Uint8Array([0, 1, 255])],
        ["statistics.toml", "x = 1\n"],
      ]),
    );
    assert.equal(
      Deno.readTextFileSync(`${root}/Output/STEP1/Parameters/fitted.toml`),
      "[GLOBAL]\n",
    );
    assert.deepEqual([...Deno.readFileSync(`${root}/Output/STEP1/bytes.bin`)], [0, 1, 255]);
    assert.equal(Deno.readTextFileSync(`${root}/Output/statistics.toml`), "x = 1\n");
    onlyOutputLeft(root);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("writeTreeAtomically merges by default and replaces listed subdirectories whole", () => {
  const { root, out } = scratch();
  try {
    writeTreeAtomically(
      out,
      new Map([
        ["STEP1/statistics.toml", "new stats"],
        ["STEP1/Data/a.dat", "new a"],
        ["STEP2/Data/b.dat", "new b"],
      ]),
      { replaceSubdirs: ["STEP1"] },
    );
    assert.deepEqual(snapshot(out), {
      "STEP1/statistics.toml": "new stats",
      "STEP1/Data/a.dat": "new a",
      "STEP2/statistics.toml": "old stats 2",
      "STEP2/Data/b.dat": "new b",
      "notes.txt": "user notes",
    });
    onlyOutputLeft(root);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("a file that cannot be written leaves the previous output untouched", () => {
  const { root, out, before } = scratch();
  try {
    assert.throws(() =>
      writeTreeAtomically(
        out,
        new Map([["STEP1/statistics.toml", "new"], ["STEP1/bad\0name.dat", "x"]]),
        { replaceSubdirs: ["STEP1"] },
      )
    );
    assert.deepEqual(snapshot(out), before);
    onlyOutputLeft(root);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("a path used both as file and directory is rejected before anything is written", () => {
  const { root, out, before } = scratch();
  try {
    assert.throws(
      () =>
        writeTreeAtomically(
          out,
          new Map([["STEP1/Data", "file"], ["STEP1/Data/a.dat", "new a"]]),
        ),
      /both a file and a directory/,
    );
    assert.throws(() => writeTreeAtomically(out, new Map([["../escape.txt", "x"]])), /relative/);
    assert.deepEqual(snapshot(out), before);
    onlyOutputLeft(root);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("a failure in the middle of the swaps rolls every swap back", () => {
  for (let failAt = 1; failAt <= 6; failAt++) {
    const { root, out, before } = scratch();
    try {
      let renames = 0;
      const ops: AtomicFsOps = {
        writeFile: (path, data) =>
          typeof data === "string"
            ? Deno.writeTextFileSync(path, data)
            : Deno.writeFileSync(path, data),
        rename: (from, to) => {
          if (++renames === failAt) throw new Error(`injected failure at rename ${failAt}`);
          Deno.renameSync(from, to);
        },
      };
      assert.throws(
        () =>
          writeTreeAtomicallyWith(
            ops,
            out,
            new Map([
              ["STEP1/statistics.toml", "new stats"],
              ["STEP2/statistics.toml", "new stats 2"],
              ["STEP3/statistics.toml", "brand new"],
              ["notes.txt", "overwritten"],
            ]),
            { replaceSubdirs: ["STEP1", "STEP2"] },
          ),
        /injected failure/,
      );
      assert.deepEqual(snapshot(out), before, `failure at rename ${failAt}`);
      onlyOutputLeft(root);
    } finally {
      Deno.removeSync(root, { recursive: true });
    }
  }
});

Deno.test("a failed first write does not leave a new empty output directory behind", () => {
  const root = Deno.makeTempDirSync({ prefix: "exfit-atomic-" });
  try {
    assert.throws(() => writeTreeAtomically(`${root}/Output`, new Map([["a\0b", "x"]])));
    assert.deepEqual([...Deno.readDirSync(root)], []);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
