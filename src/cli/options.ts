/**
 * Reading a command's options: `--name value` and `--name=value` both give
 * `name` its value.
 */

/** One command-line argument read as an option. */
export interface Option {
  /** The argument as written. */
  arg: string;
  /** `--name` of `--name=value`, else the whole argument. */
  name: string;
  /** The option's value: after '=', or else the next argument (which is then consumed). */
  value(): string;
}

/**
 * Yields the arguments one option at a time; `usage` is called with the
 * message when an option's value is missing.
 */
export function* readOptions(
  args: readonly string[],
  usage: (message: string) => never,
): Generator<Option> {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const inline = arg.startsWith('--') && eq > 0;
    const name = inline ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (inline) return arg.slice(eq + 1);
      const next = args[++i];
      if (next === undefined) usage(`${name} needs a value`);
      return next;
    };
    yield { arg, name, value };
  }
}
