/**
 * What `npm pack` puts in the package: every file a source map points at
 * ships with it (so a user's debugger opens wirestack's TypeScript), and
 * the LICENSE that package.json's `license` and `author` name.
 * Needs `npm run build` first (`npm test` does it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');

/** The paths `npm pack` would pack, without running the package's scripts. */
function packedFiles(): Set<string> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [report] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
  return new Set(report!.files.map((f) => f.path));
}

test('every source a shipped source map references is shipped too', () => {
  assert.ok(existsSync(join(ROOT, 'dist', 'index.js')), "dist/ is missing: run 'npm run build'");
  const files = packedFiles();
  const maps = [...files].filter((f) => f.startsWith('dist/') && f.endsWith('.map'));
  assert.ok(maps.length > 50, `only ${maps.length} source maps packed`);
  const missing: string[] = [];
  for (const map of maps) {
    const { sources, sourceRoot = '' } = JSON.parse(readFileSync(join(ROOT, map), 'utf8')) as {
      sources: string[];
      sourceRoot?: string;
    };
    for (const source of sources) {
      const path = posix.normalize(posix.join(dirname(map), sourceRoot, source));
      if (!files.has(path)) missing.push(`${map} → ${path}`);
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(files.has('src/index.ts'));
});

test('the package ships an MIT LICENSE naming package.json’s author', () => {
  const files = packedFiles();
  assert.ok(files.has('LICENSE'));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    license: string;
    author: string;
  };
  assert.equal(pkg.license, 'MIT');
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  assert.match(license, /^MIT License\n/);
  assert.match(license, new RegExp(`^Copyright \\(c\\) \\d{4} ${pkg.author}$`, 'm'));
});
