/**
 * The import graph of src/stack/: every .ts file's static imports and
 * re-exports (`import`, `import type`, `export ... from`, `import x =
 * require()`, and `import('...')` in types and calls), parsed with the
 * TypeScript compiler. The stack has no import circles, and only the
 * folder's public surface (index.ts) imports the stack itself (stack.ts):
 * the protocol layers see it through small interfaces (IpHost,
 * IpLayerHost, UdpHost).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');
const STACK = join(ROOT, 'src/stack');

/** Every .ts file under `dir`, absolute. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

/** The module specifiers `file` imports or re-exports, in order. */
function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const out: string[] = [];
  const literal = (node: ts.Node | undefined): void => {
    if (node !== undefined && ts.isStringLiteralLike(node)) out.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      literal(node.moduleSpecifier);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    ) {
      literal(node.moduleReference.expression);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      literal(node.argument.literal);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      literal(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** `./x.js` from `from` → the .ts file it names, when that file is one of `files`. */
function resolveLocal(from: string, specifier: string, files: Set<string>): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [
    base.replace(/\.js$/, '.ts'),
    `${base}.ts`,
    join(base, 'index.ts'),
    base,
  ]) {
    if (files.has(candidate)) return candidate;
  }
  return null;
}

/** file → the files of the same set it imports. */
function importGraph(files: string[]): Map<string, string[]> {
  const set = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const spec of specifiers(file)) {
      const target = resolveLocal(file, spec, set);
      if (target !== null && !targets.includes(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Each cycle found by a depth-first search (one per back edge), as a path that ends where it starts. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const seen = state.get(next);
      if (seen === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (seen === undefined) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

const name = (file: string): string => relative(ROOT, file);

describe('src/stack import graph', () => {
  const files = tsFiles(STACK);
  const graph = importGraph(files);

  test('the cycle finder finds a circle, and only circles', () => {
    const sample = new Map([
      ['a', ['b', 'd']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['c']],
    ]);
    assert.deepEqual(findCycles(sample), [['a', 'b', 'c', 'a']]);
    assert.deepEqual(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
      [],
    );
  });

  test('the graph was read (files and edges are found)', () => {
    assert.ok(files.length > 10, `only ${files.length} files under ${STACK}`);
    const stack = join(STACK, 'stack.ts');
    assert.ok(graph.get(join(STACK, 'index.ts'))?.includes(stack), 'index.ts → stack.ts missing');
  });

  test('no import circles', () => {
    const cycles = findCycles(graph);
    const text = cycles.map((cycle) => cycle.map(name).join(' → ')).join('\n');
    assert.equal(cycles.length, 0, `import circles in src/stack:\n${text}`);
  });

  test('only index.ts imports stack.ts', () => {
    const stack = join(STACK, 'stack.ts');
    const importers = files.filter(
      (file) => file !== join(STACK, 'index.ts') && graph.get(file)?.includes(stack),
    );
    assert.deepEqual(importers.map(name), []);
  });
});
