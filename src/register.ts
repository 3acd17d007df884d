/**
 * `wirestack/register`: makes every `net`, `http`, `https` and `dgram` of a
 * program and its dependencies — `require` and `import`, with and without
 * the `node:` prefix — resolve to wirestack's modules.
 *
 * ```sh
 * node --require wirestack/register app.js
 * node --import wirestack/register app.mjs
 * ```
 *
 * Both forms install both redirections: `require` through the CommonJS
 * loader (`Module._load`, which answers `node:` names before any resolution
 * hook would see them), `import` through an ESM resolve hook
 * (`module.register`, Node ≥ 20.6). Worker threads run the same flag
 * (`execArgv` is inherited), so they are redirected too; child processes
 * are when the flag travels in `NODE_OPTIONS` (as `wirestack run` puts it).
 * wirestack's own files are exempt: the host transport is built on Node's
 * real `net` and `dgram`. The transport itself is chosen as everywhere else
 * (`WIRESTACK_TRANSPORT`, see ./handle/default-transport.ts).
 */
import Module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The module names redirected, and wirestack's file for each (relative to this one). */
export const REDIRECTED: Readonly<Record<string, string>> = {
  net: './net/index.js',
  http: './http/index.js',
  https: './https/index.js',
  dgram: './dgram/index.js',
};

const OWN_DIR = __dirname + path.sep;
const FLAG = Symbol.for('wirestack.register');

/** The wirestack file a request names, or undefined for any other request. */
function substitute(request: string): string | undefined {
  const name = request.startsWith('node:') ? request.slice(5) : request;
  const file = Object.hasOwn(REDIRECTED, name) ? REDIRECTED[name] : undefined;
  return file === undefined ? undefined : path.join(__dirname, file);
}

interface ModuleInternals {
  _load(request: string, parent: { filename?: string | null } | null, isMain: boolean): unknown;
}

/**
 * Gives a wirestack module a `default` that is the module itself, as
 * packages compiled from ES modules expect of a builtin: their interop
 * helpers (esbuild's, TypeScript's, Babel's) read `default` of any module
 * marked `__esModule` — as ours are, being compiled by TypeScript — where a
 * builtin, unmarked, is taken whole (@koa/router reads
 * `require('node:http').default.METHODS`). Not enumerable, so the module's
 * keys stay those of Node's.
 */
function withDefault(exports: unknown): unknown {
  const module = exports as Record<string, unknown>;
  if (!Object.hasOwn(module, 'default')) {
    Object.defineProperty(module, 'default', { value: module, configurable: true, writable: true });
  }
  return module;
}

function installCommonJs(): void {
  const loader = Module as unknown as ModuleInternals;
  const load = loader._load;
  loader._load = function (request, parent, isMain) {
    const target = substitute(request);
    const fromOwn = typeof parent?.filename === 'string' && parent.filename.startsWith(OWN_DIR);
    if (target === undefined || fromOwn) return load.call(this, request, parent, isMain);
    return withDefault(load.call(this, target, parent, isMain));
  };
}

function installEsm(): void {
  const register = (
    Module as unknown as { register?: (url: string, parent: string, options: object) => void }
  ).register;
  if (typeof register !== 'function') return; // Node < 20.6: `import` keeps Node's modules
  const targets: Record<string, string> = {};
  for (const name of Object.keys(REDIRECTED)) {
    targets[name] = pathToFileURL(substitute(name)!).href;
  }
  register(
    pathToFileURL(path.join(__dirname, 'register-hooks.mjs')).href,
    pathToFileURL(__filename).href,
    {
      data: { targets, ownDir: pathToFileURL(OWN_DIR).href },
    },
  );
}

const registry = globalThis as { [FLAG]?: boolean };
if (registry[FLAG] !== true) {
  registry[FLAG] = true;
  installCommonJs();
  installEsm();
}
