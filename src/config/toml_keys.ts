/**
 * Where each key of a TOML document stands: smol-toml keeps no positions, so a small lexer
 * records the line and column of every key and table header, and validation errors about a key
 * can point at its line.
 *
 * @module
 */

/** 1-based position of a key in a TOML source. */
export interface KeyPosition {
  line: number;
  column: number;
}

/**
 * Positions of the keys and table headers of a TOML document (case-insensitive lookup).
 *
 * @example
 * ```ts
 * const keys = indexTomlKeys("[GLOBAL]\nPB = 0.1\n");
 * keys.find(["global", "pb"]); // { line: 2, column: 1 }
 * ```
 */
export class TomlKeyIndex {
  readonly #positions: Map<string, KeyPosition>;
  readonly #order: { path: string[]; pos: KeyPosition }[];

  /** Build from recorded `(path, position)` pairs; the first occurrence of a path wins. */
  constructor(entries: { path: string[]; pos: KeyPosition }[]) {
    this.#positions = new Map();
    this.#order = [];
    for (const entry of entries) {
      const id = pathId(entry.path);
      if (!this.#positions.has(id)) {
        this.#positions.set(id, entry.pos);
        this.#order.push({ path: entry.path.map((p) => p.toLowerCase()), pos: entry.pos });
      }
    }
  }

  /**
   * Position of exactly this key path (e.g. `["data", "profiles", "G23N"]`), or `undefined`.
   *
   * @example
   * ```ts
   * indexTomlKeys("[a]\nb = 1\n").find(["a", "b"]); // { line: 2, column: 1 }
   * ```
   */
  find(path: string[]): KeyPosition | undefined {
    return this.#positions.get(pathId(path));
  }

  /**
   * Best available position for a key path: the key itself, else its nearest recorded ancestor,
   * else the first recorded key below it (e.g. `[data.profiles]` when asking for `data`).
   *
   * @example
   * ```ts
   * indexTomlKeys("[a]\nb = 1\n").locate(["a", "zz"]); // { line: 1, column: 1 }
   * ```
   */
  locate(path: string[]): KeyPosition | undefined {
    const exact = this.find(path);
    if (exact) return exact;
    const lower = path.map((p) => p.toLowerCase());
    const below = this.#order.find((e) =>
      e.path.length > lower.length && lower.every((p, i) => e.path[i] === p)
    );
    if (below) return below.pos;
    for (let n = path.length - 1; n > 0; n--) {
      const pos = this.find(path.slice(0, n));
      if (pos) return pos;
    }
    return undefined;
  }
}

function pathId(path: string[]): string {
  return path.map((p) => p.toLowerCase()).join("\u0000");
}

/**
 * Index the positions of all keys and table headers in TOML text. Keys inside inline tables are
 * recorded under their full path; array elements are not indexed. Meant for text that already
 * parsed successfully; on malformed text it records what it can and never throws.
 *
 * @example
 * ```ts
 * const keys = indexTomlKeys('[data.profiles]\n"G23N" = "g23.out"\n');
 * keys.find(["data", "profiles", "g23n"]); // { line: 2, column: 1 }
 * ```
 */
export function indexTomlKeys(source: string): TomlKeyIndex {
  return new TomlKeyIndex(new KeyScanner(source).scan());
}

/**
 * Find the line of a key path in TOML text (see {@link TomlKeyIndex.locate}).
 *
 * @example
 * ```ts
 * findKeyLine("[experiment]\nname = 'cpmg_15n_ip'\n", ["experiment", "name"]); // 2
 * ```
 */
export function findKeyLine(source: string, path: string[]): number | undefined {
  return indexTomlKeys(source).locate(path)?.line;
}

const BARE_KEY = /[A-Za-z0-9_-]/;

/** Minimal TOML lexer that only tracks where keys are; values are skipped. */
class KeyScanner {
  readonly #src: string;
  readonly #lineStarts: number[];
  #i = 0;
  readonly #out: { path: string[]; pos: KeyPosition }[] = [];

  constructor(source: string) {
    this.#src = source;
    this.#lineStarts = [0];
    for (let k = 0; k < source.length; k++) {
      if (source[k] === "\n") this.#lineStarts.push(k + 1);
    }
  }

  scan(): { path: string[]; pos: KeyPosition }[] {
    let table: string[] = [];
    const src = this.#src;
    while (this.#i < src.length) {
      this.#skipBlank(true);
      if (this.#i >= src.length) break;
      const start = this.#i;
      const c = src[this.#i];
      if (c === "[") {
        const isArray = src[this.#i + 1] === "[";
        this.#i += isArray ? 2 : 1;
        const path = this.#readKeyPath();
        if (path === undefined) {
          this.#skipLine();
          continue;
        }
        this.#record(path, start);
        table = path;
        this.#skipLine();
      } else {
        const path = this.#readKeyPath();
        if (path === undefined || src[this.#i] !== "=") {
          this.#skipLine();
          continue;
        }
        this.#i++;
        const full = [...table, ...path];
        this.#record(full, start);
        this.#skipValue(full);
      }
      if (this.#i === start) this.#i++;
    }
    return this.#out;
  }

  #record(path: string[], offset: number): void {
    this.#out.push({ path, pos: this.#position(offset) });
  }

  #position(offset: number): KeyPosition {
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.#lineStarts[lo] + 1 };
  }

  /** Skip spaces/tabs (and newlines and comments when `lines`). */
  #skipBlank(lines: boolean): void {
    const src = this.#src;
    while (this.#i < src.length) {
      const c = src[this.#i];
      if (c === " " || c === "\t" || c === "\r") this.#i++;
      else if (lines && c === "\n") this.#i++;
      else if (lines && c === "#") this.#skipLine();
      else break;
    }
  }

  #skipLine(): void {
    const next = this.#src.indexOf("\n", this.#i);
    this.#i = next < 0 ? this.#src.length : next + 1;
  }

  /** Read `a . "b" . 'c'` and stop after trailing blanks; `]`/`]]` are consumed for headers. */
  #readKeyPath(): string[] | undefined {
    const src = this.#src;
    const path: string[] = [];
    for (;;) {
      this.#skipBlank(false);
      const key = this.#readKey();
      if (key === undefined) return undefined;
      path.push(key);
      this.#skipBlank(false);
      if (src[this.#i] === ".") {
        this.#i++;
        continue;
      }
      if (src[this.#i] === "]") {
        this.#i++;
        if (src[this.#i] === "]") this.#i++;
      }
      return path;
    }
  }

  #readKey(): string | undefined {
    const src = this.#src;
    const c = src[this.#i];
    if (c === '"') return this.#readBasicString();
    if (c === "'") {
      const end = src.indexOf("'", this.#i + 1);
      if (end < 0) return undefined;
      const key = src.slice(this.#i + 1, end);
      this.#i = end + 1;
      return key;
    }
    const start = this.#i;
    while (this.#i < src.length && BARE_KEY.test(src[this.#i])) this.#i++;
    return this.#i > start ? src.slice(start, this.#i) : undefined;
  }

  /** Read a single-line basic string starting at the opening quote, decoding escapes. */
  #readBasicString(): string | undefined {
    const src = this.#src;
    let out = "";
    let k = this.#i + 1;
    // Plain runs are sliced, not appended char by char: a 10^7-character string stays linear.
    let run = k;
    while (k < src.length) {
      const c = src.charCodeAt(k);
      if (c === 34 || c === 10) break; // closing quote or end of line
      if (c !== 92) {
        k++;
        continue;
      }
      out += src.slice(run, k);
      const e = src[k + 1];
      const simple: Record<string, string> = {
        b: "\b",
        t: "\t",
        n: "\n",
        f: "\f",
        r: "\r",
        '"': '"',
        "\\": "\\",
      };
      if (e in simple) {
        out += simple[e];
        k += 2;
      } else if (e === "u" || e === "U") {
        const len = e === "u" ? 4 : 8;
        out += String.fromCodePoint(parseInt(src.slice(k + 2, k + 2 + len), 16) || 0xfffd);
        k += 2 + len;
      } else {
        out += e ?? "";
        k += 2;
      }
      run = k;
    }
    out += src.slice(run, Math.min(k, src.length));
    if (src[k] !== '"') return undefined;
    this.#i = k + 1;
    return out;
  }

  /** Skip one value; keys of inline tables are recorded under `path`. */
  #skipValue(path: string[] | undefined): void {
    const src = this.#src;
    this.#skipBlank(false);
    const c = src[this.#i];
    if (src.startsWith('"""', this.#i) || src.startsWith("'''", this.#i)) {
      const quote = src.slice(this.#i, this.#i + 3);
      let k = this.#i + 3;
      for (;;) {
        const end = src.indexOf(quote, k);
        if (end < 0) {
          this.#i = src.length;
          return;
        }
        if (quote === '"""' && isEscaped(src, end)) {
          k = end + 1;
          continue;
        }
        // Up to two extra quotes may belong to the content (`""""` ends with a quote char).
        let stop = end + 3;
        while (src[stop] === quote[0] && stop - end < 5) stop++;
        this.#i = stop;
        return;
      }
    }
    if (c === '"') {
      if (this.#readBasicString() === undefined) this.#skipLine();
      return;
    }
    if (c === "'") {
      const end = src.indexOf("'", this.#i + 1);
      this.#i = end < 0 ? src.length : end + 1;
      return;
    }
    if (c === "[") {
      this.#i++;
      for (;;) {
        this.#skipBlank(true);
        if (this.#i >= src.length) return;
        if (src[this.#i] === "]") {
          this.#i++;
          return;
        }
        if (src[this.#i] === ",") {
          this.#i++;
          continue;
        }
        const before = this.#i;
        this.#skipValue(undefined);
        if (this.#i === before) this.#i++;
      }
    }
    if (c === "{") {
      this.#i++;
      for (;;) {
        this.#skipBlank(true);
        if (this.#i >= src.length) return;
        if (src[this.#i] === "}") {
          this.#i++;
          return;
        }
        if (src[this.#i] === ",") {
          this.#i++;
          continue;
        }
        const start = this.#i;
        const key = this.#readKeyPath();
        if (key === undefined || src[this.#i] !== "=") {
          if (this.#i === start) this.#i++;
          continue;
        }
        this.#i++;
        const full = path ? [...path, ...key] : undefined;
        if (full) this.#record(full, start);
        this.#skipValue(full);
      }
    }
    while (this.#i < src.length && !/[,\]}\n#\s]/.test(src[this.#i])) this.#i++;
  }
}

function isEscaped(src: string, at: number): boolean {
  let n = 0;
  for (let k = at - 1; k >= 0 && src[k] === "\\"; k--) n++;
  return n % 2 === 1;
}
