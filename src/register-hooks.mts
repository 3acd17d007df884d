/**
 * The ESM half of `wirestack/register` (see ./register.ts): a resolve hook
 * that answers `net`, `http`, `https` and `dgram` (with or without `node:`)
 * with wirestack's files, except for imports made by wirestack itself.
 * Runs on Node's loader thread, with the targets passed in `data`.
 */
interface HookData {
  /** Module name → file URL of wirestack's module. */
  targets: Record<string, string>;
  /** wirestack's own folder, as a file URL ending in a slash. */
  ownDir: string;
}

interface ResolveContext {
  parentURL?: string;
}

type NextResolve = (specifier: string, context: ResolveContext) => Promise<unknown>;

let data: HookData = { targets: {}, ownDir: '' };

export function initialize(given: HookData): void {
  data = given;
}

export async function resolve(
  specifier: string,
  context: ResolveContext,
  next: NextResolve,
): Promise<unknown> {
  const name = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  const target = Object.hasOwn(data.targets, name) ? data.targets[name] : undefined;
  const fromOwn = context.parentURL?.startsWith(data.ownDir) === true;
  if (target !== undefined && !fromOwn) return { url: target, shortCircuit: true };
  return next(specifier, context);
}
