/**
 * The public modules are typed with `@types/node`'s declarations
 * (src/util/node-typed.ts): these checks keep that honest. At compile time,
 * every member Node's declaration of a class names must be declared by
 * wirestack's implementation of it, but for the few listed here; at run
 * time, each listed member is shown to be absent from Node's own objects too
 * (the declarations name more than Node has), so the list excuses nothing
 * Node provides.
 */
import assert from 'node:assert/strict';
import * as nodeHttp from 'node:http';
import type * as nodeHttps from 'node:https';
import * as nodeNet from 'node:net';
import { describe, it } from 'node:test';
import type { Agent as HttpAgent } from '../../src/http/agent.js';
import type { ClientRequest } from '../../src/http/client-request.js';
import type { IncomingMessage } from '../../src/http/incoming-message.js';
import type { OutgoingMessage } from '../../src/http/outgoing-message.js';
import type { Server as HttpServer } from '../../src/http/server.js';
import type { ServerResponse } from '../../src/http/server-response.js';
import type { Agent as HttpsAgent } from '../../src/https/agent.js';
import type { Server as HttpsServer } from '../../src/https/server.js';
import type { Server as NetServer } from '../../src/net/server.js';
import type { Socket as NetSocket } from '../../src/net/socket.js';
import { same } from './same.js';

/** Members `@types/node` declares that Node 20's objects do not have. */
const notInNode = {
  /** Removed long ago (DEP0020); the declaration remains. */
  server: ['connections'],
  /** Declared a stream.Writable; Node's OutgoingMessage is a legacy Stream. */
  outgoing: [
    '_construct',
    '_destroy',
    '_final',
    '_write',
    '_writev',
    'setDefaultEncoding',
    'writableAborted',
  ],
  /** Declared on every outgoing message; only a ServerResponse has its request. */
  req: ['req'],
} as const;

/** Names Node's declaration `Node` has and the implementation `Ours` does not. */
type Undeclared<Ours, Node> = Exclude<keyof Node, keyof Ours>;
type Listed<K extends keyof typeof notInNode> = (typeof notInNode)[K][number];

same<Undeclared<NetServer, nodeNet.Server>, Listed<'server'>>();
same<Undeclared<HttpServer, nodeHttp.Server>, Listed<'server'>>();
same<Undeclared<HttpsServer, nodeHttps.Server>, Listed<'server'>>();
same<Undeclared<NetSocket, nodeNet.Socket>, never>();
same<Undeclared<IncomingMessage, nodeHttp.IncomingMessage>, never>();
same<Undeclared<OutgoingMessage, nodeHttp.OutgoingMessage>, Listed<'outgoing'> | Listed<'req'>>();
same<Undeclared<ServerResponse, nodeHttp.ServerResponse>, Listed<'outgoing'>>();
same<Undeclared<ClientRequest, nodeHttp.ClientRequest>, Listed<'outgoing'> | Listed<'req'>>();
same<Undeclared<HttpAgent, nodeHttp.Agent>, never>();
same<Undeclared<HttpsAgent, nodeHttps.Agent>, never>();

function assertAbsent(object: object, names: readonly string[]): void {
  for (const name of names) assert.equal(name in object, false, `Node's object has ${name}`);
}

describe("members @types/node declares and Node's objects lack", () => {
  it('net.Server and http.Server have no `connections`', () => {
    assertAbsent(nodeNet.createServer(), notInNode.server);
    assertAbsent(nodeHttp.createServer(), notInNode.server);
  });

  it("OutgoingMessage and ServerResponse have none of Writable's own members; a bare OutgoingMessage no `req`", () => {
    assertAbsent(new nodeHttp.OutgoingMessage(), [...notInNode.outgoing, ...notInNode.req]);
    const req = new nodeHttp.IncomingMessage(new nodeNet.Socket());
    assertAbsent(new nodeHttp.ServerResponse(req), notInNode.outgoing);
  });

  it('a ClientRequest has neither, nor `req`', () => {
    const req = nodeHttp.request({ host: '127.0.0.1', port: 1, agent: false });
    req.on('error', () => {});
    assertAbsent(req, [...notInNode.outgoing, ...notInNode.req]);
    req.destroy();
  });
});
