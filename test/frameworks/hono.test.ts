/**
 * Hono on its Node adapter (@hono/node-server), unchanged, on wirestack's
 * http server: `serve({ createServer })` with our `createServer` in this
 * process, and run as an ES module program (`serve()`) under
 * `wirestack/register` with `--import`. Driven by curl.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as http from '../../src/http/index.js';
import { close } from '../http/helpers.js';
import { describeFramework, FIXTURES } from './helpers.js';

type Fetch = (request: Request) => Response | Promise<Response>;
interface HonoFixture {
  createApp(): { fetch: Fetch };
  serve(
    options: {
      fetch: Fetch;
      port: number;
      hostname: string;
      createServer: typeof http.createServer;
    },
    onListening: () => void,
  ): http.Server;
}

describeFramework(
  'Hono',
  async () => {
    const fixture = pathToFileURL(join(FIXTURES, 'hono-app.mjs')).href;
    const { createApp, serve } = (await import(fixture)) as HonoFixture;
    let server!: http.Server;
    await new Promise<void>((resolve) => {
      const options = { fetch: createApp().fetch, port: 0, hostname: '127.0.0.1' };
      server = serve({ ...options, createServer: http.createServer }, resolve);
    });
    const { port } = server.address() as { port: number };
    return { server, base: `http://127.0.0.1:${port}`, stop: () => close(server) };
  },
  { fixture: 'hono-app.mjs', flag: '--import', listens: 'serve()' },
  (app) => {
    test('the server Hono listens with is ours', () => {
      assert.ok(app().server instanceof http.Server);
    });
  },
);
