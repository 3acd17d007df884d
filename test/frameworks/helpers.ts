/**
 * What the framework tests share: the curl checks every fixture app must
 * pass (routing with params and query, JSON bodies, a static file, a
 * streamed response, the error handler, the not-found handler, keep-alive),
 * and running a fixture unchanged as a program under `wirestack/register`.
 *
 * Each fixture (./fixtures/*-app.*) serves the same routes the same way a
 * user of that framework would write them for node:http.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { requirePeer, startPeer } from '../helpers/peers.js';
import { curl } from '../http/helpers.js';

export const FIXTURES = join(__dirname, 'fixtures');
const DIST = join(__dirname, '..', '..', 'dist');
const REGISTER = join(DIST, 'register.js');
const STATIC_FILE = readFileSync(join(FIXTURES, 'public', 'hello.txt'), 'utf8');
const STREAMED = 'chunk 0\nchunk 1\nchunk 2\n';

/** A response as `curl -i` printed it. */
export interface CurlResponse {
  status: number;
  /** Field names lower-cased; a repeated field keeps its last value. */
  headers: Record<string, string>;
  body: string;
}

/** Splits `curl -i` output into status, fields and body. */
export function parseCurlOutput(output: string): CurlResponse {
  const end = output.indexOf('\r\n\r\n');
  assert.ok(end >= 0, `no header section in curl's output: ${JSON.stringify(output)}`);
  const [statusLine, ...lines] = output.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/\S+ (\d{3})/.exec(statusLine ?? '')?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, body: output.slice(end + 4) };
}

/** One request with curl (`-i`, so the head is seen too). */
export async function request(
  curlPath: string,
  url: string,
  args: readonly string[] = [],
): Promise<CurlResponse> {
  return parseCurlOutput(await curl(curlPath, ['-i', ...args, url]));
}

/** The path of curl, or undefined when the test was skipped for want of it (outside CI). */
export function requireCurl(t: TestContext): string | undefined {
  return requirePeer(t, 'curl');
}

/**
 * Runs every check against the app listening at `base`
 * (`http://127.0.0.1:PORT`). The framework's own 404 / 500 handlers are
 * the fixtures'; a crash of our server fails the first check after it.
 */
export async function checkApp(curlPath: string, base: string): Promise<void> {
  const user = await request(curlPath, `${base}/users/42?verbose=yes`, ['-A', 'fixture-agent']);
  assert.equal(user.status, 200);
  assert.match(user.headers['content-type'] ?? '', /^application\/json/);
  assert.deepEqual(JSON.parse(user.body), { id: '42', verbose: 'yes', agent: 'fixture-agent' });

  const payload = { name: 'wirestack', list: [1, 2, 3], nested: { ok: true } };
  const echo = await request(curlPath, `${base}/echo`, [
    '-H',
    'Content-Type: application/json',
    '--data-binary',
    JSON.stringify(payload),
  ]);
  assert.equal(echo.status, 201);
  assert.deepEqual(JSON.parse(echo.body), { received: payload, type: 'application/json' });

  const file = await request(curlPath, `${base}/static/hello.txt`);
  assert.equal(file.status, 200);
  assert.match(file.headers['content-type'] ?? '', /^text\/plain/);
  assert.equal(file.body, STATIC_FILE);

  const streamed = await request(curlPath, `${base}/stream`);
  assert.equal(streamed.status, 200);
  assert.equal(streamed.headers['transfer-encoding'], 'chunked');
  assert.equal(streamed.body, STREAMED);

  const boom = await request(curlPath, `${base}/boom`);
  assert.equal(boom.status, 500);
  assert.deepEqual(JSON.parse(boom.body), { error: 'boom' });

  const missing = await request(curlPath, `${base}/no/such/route`);
  assert.equal(missing.status, 404);
  assert.deepEqual(JSON.parse(missing.body), { error: 'not found' });

  // Three requests in one curl run: one connection, kept alive between them.
  const connects = await curl(curlPath, [
    '-o',
    '/dev/null',
    '-o',
    '/dev/null',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code} %{num_connects}\n',
    `${base}/users/1`,
    `${base}/static/hello.txt`,
    `${base}/stream`,
  ]);
  assert.equal(connects, '200 1\n200 0\n200 0\n');
}

/**
 * Starts `fixture` as a program under `wirestack/register` (`flag`:
 * `--require` or `--import`); resolves with its base URL once it listens,
 * after checking that the server its framework made is wirestack's.
 */
export async function startRegistered(
  t: TestContext,
  fixture: string,
  flag: '--require' | '--import',
): Promise<string> {
  assert.ok(existsSync(REGISTER), `${REGISTER} is missing: run 'npm run build' first`);
  const peer = startPeer(t, process.execPath, [flag, REGISTER, join(FIXTURES, fixture)], {
    env: { ...process.env, WIRESTACK_DIST: DIST, WIRESTACK_TRANSPORT: '' },
  });
  await peer.waitForStdout('\n', 20_000);
  const line = peer.stdout().toString().split('\n')[0]!;
  const { port, wirestack } = JSON.parse(line) as { port: number; wirestack: boolean };
  assert.equal(wirestack, true, `${fixture} under ${flag} listened on Node's own http server`);
  return `http://127.0.0.1:${port}`;
}

/** A fixture app listening in this process on a wirestack server. */
export interface Served {
  /** The server the framework listens with. */
  server: { on(event: 'connection', listener: () => void): unknown };
  /** `http://127.0.0.1:PORT`. */
  base: string;
  stop(): Promise<void>;
}

/**
 * The tests every framework gets: `serve()` starts the fixture on a
 * wirestack server in this process and the curl checks run against it (one
 * connection per curl run, counted on the server); then the fixture runs as
 * an unchanged program under `wirestack/register` (`flag`) and the same
 * checks run against that. `more` adds a framework's own tests to the
 * in-process suite, given the running app.
 */
export function describeFramework(
  name: string,
  serve: () => Promise<Served>,
  registered: { fixture: string; flag: '--require' | '--import'; listens: string },
  more?: (app: () => Served) => void,
): void {
  describe(`${name} on wirestack http`, () => {
    let app: Served;
    let connections = 0;
    before(async () => {
      app = await serve();
      app.server.on('connection', () => {
        connections++;
      });
    });
    after(() => app.stop());

    test('routing, JSON bodies, static files, streaming and error handlers, by curl', async (t) => {
      const curlPath = requireCurl(t);
      if (!curlPath) return;
      const before = connections;
      await checkApp(curlPath, app.base);
      // 7 curl runs, the last one with three requests on one connection.
      assert.equal(connections - before, 7);
    });

    more?.(() => app);
  });

  describe(`${name} under wirestack/register`, () => {
    test(`${registered.listens} in an unchanged program serves on wirestack, by curl`, async (t) => {
      const curlPath = requireCurl(t);
      if (!curlPath) return;
      await checkApp(curlPath, await startRegistered(t, registered.fixture, registered.flag));
    });
  });
}
