/**
 * The package's types as a consumer gets them: a program in a directory of
 * its own, with wirestack (the built package: dist/ and package.json) in its
 * node_modules beside `@types/node` and Express's types, compiled by tsc under
 * each module resolution a TypeScript project may use. The program is
 * test/types/consumer/ and every `js` example of the README and docs/,
 * type-checked as JavaScript (checkJs).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..');
const fixture = join(__dirname, 'consumer');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** The ```js blocks of a Markdown file. */
function jsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** The README's and docs' examples, as files named for their module system. */
async function examples(): Promise<Map<string, string>> {
  const files = ['README.md', ...(await readdir(join(root, 'docs'))).map((f) => join('docs', f))];
  const out = new Map<string, string>();
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    const blocks = jsBlocks(await readFile(join(root, file), 'utf8'));
    blocks.forEach((code, i) => {
      const esm = /^import\s/m.test(code);
      const name = `${file.replace(/[/.]/g, '-')}-${i + 1}.${esm ? 'mjs' : 'cjs'}`;
      out.set(name, code);
    });
  }
  return out;
}

/** A consumer's directory: its package.json, the program, and wirestack installed. */
async function consumerDirectory(): Promise<{ dir: string; examples: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'wirestack-consumer-'));
  const modules = join(dir, 'node_modules');
  await mkdir(modules);
  await symlink(root, join(modules, 'wirestack'), 'dir');
  await symlink(join(root, 'node_modules', '@types'), join(modules, '@types'), 'dir');
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' }),
  );
  for (const file of await readdir(fixture)) await copyFile(join(fixture, file), join(dir, file));
  const found = await examples();
  for (const [name, code] of found) await writeFile(join(dir, name), code);
  return { dir, examples: [...found.keys()] };
}

const common = {
  strict: true,
  esModuleInterop: true,
  noEmit: true,
  // Our declarations are checked too, not only their use.
  skipLibCheck: false,
  types: ['node'],
  target: 'ES2022',
  lib: ['ES2022'],
};

/** Runs tsc on `config` in `dir`; resolves with its output, rejects naming the errors. */
async function compile(dir: string, name: string, compilerOptions: object, files: string[]) {
  const project = join(dir, `tsconfig.${name}.json`);
  await writeFile(
    project,
    JSON.stringify({ compilerOptions: { ...common, ...compilerOptions }, files }),
  );
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', project], { cwd: dir });
  } catch (err) {
    const { stdout, stderr } = err as { stdout: string; stderr: string };
    assert.fail(`tsc (${name}) failed:\n${stdout}${stderr}`);
  }
}

describe('the built package, compiled against by a consumer', () => {
  it('has dist/ to compile against (npm test builds it first)', () => {
    assert.ok(existsSync(join(root, 'dist', 'http', 'index.d.ts')), 'run `npm run build` first');
  });

  it('type-checks under module resolution node16 (CommonJS, ES modules and the docs examples)', async (t) => {
    const { dir, examples: docs } = await consumerDirectory();
    t.after(() => rm(dir, { recursive: true, force: true }));
    assert.ok(docs.length >= 5, `found only ${docs.length} examples`);
    await compile(
      dir,
      'node16',
      { module: 'node16', moduleResolution: 'node16', allowJs: true, checkJs: true },
      ['app.ts', 'app.mts', ...docs],
    );
  });

  it('type-checks under module resolution bundler and node10', async (t) => {
    const { dir } = await consumerDirectory();
    t.after(() => rm(dir, { recursive: true, force: true }));
    await compile(dir, 'bundler', { module: 'esnext', moduleResolution: 'bundler' }, ['app.ts']);
    await compile(dir, 'node10', { module: 'commonjs', moduleResolution: 'node10' }, ['app.ts']);
  });
});
