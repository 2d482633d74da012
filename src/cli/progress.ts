/**
 * Progress of grid points and statistics replicates on stderr: a redrawn bar on a terminal,
 * plain periodic lines otherwise (logs, CI, pipes).
 *
 * @module
 */
import type { ProgressReporter, ProgressTask } from "../fit/progress.ts";

/** Where and how to report; everything injectable for tests. */
export interface ProgressOptions {
  /** Output (default: synchronous writes to stderr). */
  write?: (text: string) => void;
  /** Draw a bar (default: whether stderr is a terminal). */
  tty?: boolean;
  /** Clock in milliseconds (default: `performance.now`). */
  now?: () => number;
  /** Minimum milliseconds between plain lines (default 5000) or bar redraws (default 100). */
  interval?: number;
  /** Bar width in characters (default 28). */
  width?: number;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function stderrWriter(): (text: string) => void {
  const encoder = new TextEncoder();
  return (text) => {
    const bytes = encoder.encode(text);
    let off = 0;
    while (off < bytes.length) off += Deno.stderr.writeSync(bytes.subarray(off));
  };
}

/**
 * A progress reporter for the CLI.
 *
 * @example
 * ```ts
 * const progress = createProgress();
 * const task = progress("grid", 100);
 * for (let i = 0; i < 100; i++) task.tick();
 * task.done();
 * ```
 */
export function createProgress(opts: ProgressOptions = {}): ProgressReporter {
  const write = opts.write ?? stderrWriter();
  const tty = opts.tty ?? Deno.stderr.isTerminal();
  const now = opts.now ?? (() => performance.now());
  const interval = opts.interval ?? (tty ? 100 : 5000);
  const width = opts.width ?? 28;
  return (label: string, total: number): ProgressTask => {
    const start = now();
    let count = 0;
    let last = start;
    let finished = false;
    const line = () => {
      const elapsed = now() - start;
      const frac = total > 0 ? Math.min(1, count / total) : 1;
      const eta = count > 0 && count < total
        ? ` · ETA ${seconds((elapsed / count) * (total - count))}`
        : "";
      if (!tty) {
        return `exfit: ${label}: ${count}/${total} (${Math.floor(frac * 100)}%) · ${
          seconds(elapsed)
        }${eta}\n`;
      }
      const full = Math.round(frac * width);
      const bar = "█".repeat(full) + "░".repeat(width - full);
      return `\r\x1b[2K  ${label} ${bar} ${count}/${total} · ${seconds(elapsed)}${eta}`;
    };
    if (tty) write(line());
    return {
      tick(n = 1) {
        count += n;
        const t = now();
        if (t - last >= interval && count < total) {
          last = t;
          write(line());
        }
      },
      done() {
        if (finished) return;
        finished = true;
        const elapsed = seconds(now() - start);
        write(
          tty ? `${line()}\n` : `exfit: ${label}: ${count}/${total} done in ${elapsed}\n`,
        );
      },
    };
  };
}
