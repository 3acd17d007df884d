/**
 * The server side of closed-connection-retention.test.ts, in a process of
 * its own (run with --expose-gc), so that only its collections are counted
 * (it exits when its stdin closes, as the benchmarks' children do):
 * a hello-world wirestack http server on 127.0.0.1, whose 'clientError'
 * listener destroys the socket. Prints `{"port":N}`, then answers each
 * command line on stdin with one JSON line:
 *
 * - `open`: `{ open }`, connections not yet closed;
 * - `settle`: two full collections, so that everything alive now is in the
 *   old generation; `{}`;
 * - `promoted`: two young-generation collections; `{ promoted }`, the bytes
 *   the old generation grew by — what they found alive and moved there;
 * - `track`: from now on each accepted socket, and the HTTP connection on
 *   it, is watched through a WeakRef; `{}`;
 * - `collected`: two full collections a turn apart; `{ watched, alive,
 *   listed }`: WeakRefs made, targets still alive, connections the server
 *   still lists.
 */
import type { Socket } from 'node:net';
import { getHeapSpaceStatistics } from 'node:v8';
import { listenAndReplyPort, onCommands, reply } from '../../bench/lib.js';
import * as http from '../../src/http/index.js';

type Gc = (options?: { type: 'minor' | 'major' }) => void;
const gc = (globalThis as { gc?: Gc }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

/** Bytes in use in the old generation (old and large-object spaces). */
function oldGeneration(): number {
  let bytes = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name === 'old_space' || space.space_name === 'large_object_space') {
      bytes += space.space_used_size;
    }
  }
  return bytes;
}

const server = http.createServer((_req, res) => res.end('hello'));
server.on('clientError', (_err, socket) => socket.destroy());
let open = 0;
let tracking = false;
const refs: WeakRef<object>[] = [];
server.on('connection', (socket: Socket) => {
  open++;
  socket.once('close', () => open--);
  if (tracking) {
    refs.push(new WeakRef(socket));
    const connection = (socket as { _httpConnection?: object })._httpConnection;
    if (connection !== undefined) refs.push(new WeakRef(connection));
  }
});

const answers: Record<string, () => void> = {
  open: () => reply({ open }),
  settle: () => {
    gc();
    gc();
    reply({});
  },
  promoted: () => {
    const before = oldGeneration();
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    reply({ promoted: oldGeneration() - before });
  },
  track: () => {
    tracking = true;
    reply({});
  },
  collected: () => {
    gc();
    setImmediate(() => {
      gc();
      const alive = refs.filter((ref) => ref.deref() !== undefined).length;
      const listed = (server as unknown as { _connections_http: { size: number } })
        ._connections_http.size;
      reply({ watched: refs.length, alive, listed });
    });
  },
};

listenAndReplyPort(server);
onCommands((line) => answers[line]?.());
