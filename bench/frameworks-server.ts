/**
 * The hello-world app that bench/frameworks.ts measures, one per child
 * process, written as for node:http and started the framework's usual way:
 *
 *   node --import tsx [--require dist/register.js] bench/frameworks-server.ts express|fastify
 *
 * Under `wirestack/register` the framework's `node:http` is wirestack's.
 * Listens on an ephemeral port on 127.0.0.1, prints
 * `{"port":N,"wirestack":B}` (B: the server is wirestack's), answers each
 * `cpu` line on stdin with `{"cpuMicros":N}`, and exits when its stdin closes.
 */
import { join } from 'node:path';
import { answerCpuCommands, ROOT, reply } from './lib.js';

type Listening = { address(): unknown };

const framework = process.argv[2];
const BODY = 'Hello, World!\n';

function ready(server: Listening): void {
  const { Server } = require(join(ROOT, 'dist', 'http', 'index.js')) as { Server: Function };
  const { port } = server.address() as { port: number };
  reply({ port, wirestack: server instanceof Server });
}

if (framework === 'express') {
  const express = require('express') as typeof import('express');
  const app = express();
  app.get('/', (_req, res) => {
    res.type('text/plain').send(BODY);
  });
  const server = app.listen(0, '127.0.0.1', () => ready(server));
} else if (framework === 'fastify') {
  const Fastify = require('fastify') as (options?: object) => {
    get(path: string, handler: (request: unknown, reply: unknown) => Promise<string>): void;
    listen(options: { port: number; host: string }): Promise<string>;
    server: Listening;
  };
  const app = Fastify();
  app.get('/', async () => BODY);
  app.listen({ port: 0, host: '127.0.0.1' }).then(() => ready(app.server));
} else {
  process.stderr.write('usage: frameworks-server.ts express|fastify\n');
  process.exit(2);
}

// The parent owns our lifetime: when it closes our stdin, we go.
answerCpuCommands();
