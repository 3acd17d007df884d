/**
 * Fastify 5, unchanged, on wirestack's http server: given our server
 * through its `serverFactory` option in this process, and run as a program
 * (`fastify.listen`) under `wirestack/register`. Driven by curl.
 */
import assert from 'node:assert/strict';
import type * as nodeHttp from 'node:http';
import { test } from 'node:test';
import * as http from '../../src/http/index.js';
import { describeFramework } from './helpers.js';

interface FastifyLike {
  server: http.Server;
  listen(options: { port: number; host: string }): Promise<string>;
  close(): Promise<void>;
}
const { createApp } = require('./fixtures/fastify-app.cjs') as {
  createApp(options: {
    serverFactory: (handler: nodeHttp.RequestListener) => http.Server;
  }): FastifyLike;
};

describeFramework(
  'Fastify',
  async () => {
    const app = createApp({
      serverFactory: (handler) => http.createServer(handler as unknown as http.RequestListener),
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    return { server: app.server, base, stop: () => app.close() };
  },
  { fixture: 'fastify-app.cjs', flag: '--require', listens: 'fastify.listen()' },
  (app) => {
    test('the server Fastify listens with is ours', () => {
      assert.ok(app().server instanceof http.Server);
    });
  },
);
