/**
 * Koa 3 with @koa/router, unchanged, on wirestack's http server: its
 * `callback()` given to our `http.createServer` in this process, and run as
 * a program (`app.listen`) under `wirestack/register`. Driven by curl.
 */
import type * as nodeHttp from 'node:http';
import * as http from '../../src/http/index.js';
import { close, listen } from '../http/helpers.js';
import { describeFramework } from './helpers.js';

const { createApp } = require('./fixtures/koa-app.cjs') as {
  createApp(): { callback(): nodeHttp.RequestListener };
};

describeFramework(
  'Koa',
  async () => {
    const server = http.createServer(createApp().callback() as unknown as http.RequestListener);
    return { server, base: `http://127.0.0.1:${await listen(server)}`, stop: () => close(server) };
  },
  { fixture: 'koa-app.cjs', flag: '--require', listens: 'app.listen()' },
);
