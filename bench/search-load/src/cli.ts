/** Command-line helpers shared by the benchmarks' run.ts. */
import { execFileSync } from 'node:child_process';

export interface CommandOption {
  /** The option as given, e.g. `--members`. */
  arg: string;
  /** The next argument, as this option's value. */
  value(): string;
  /** The next argument as an integer within [min, max], or an error naming the option. */
  int(min: number, max: number): number;
  /** The next argument as a comma-separated list of positive integers (concurrency levels). */
  list(): number[];
}

/** Walks the options: `for (const { arg, int } of commandOptions(argv)) switch (arg) { ... }`. */
export function* commandOptions(argv: string[]): Generator<CommandOption> {
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i++]!;
    const value = () => {
      const v = argv[i++];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const int = (min: number, max: number) => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${arg} must be an integer from ${min} to ${max}`);
      return n;
    };
    const list = () =>
      value()
        .split(',')
        .map(Number)
        .filter((n) => Number.isInteger(n) && n > 0);
    yield { arg, value, int, list };
  }
}

/** A command's trimmed output, or '' when it fails (for version lines in the results). */
export function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return '';
  }
}
