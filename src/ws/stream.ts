/**
 * `createWebSocketStream(ws[, options])`: a WebSocket as a stream.Duplex.
 * Each received message is one chunk read (text as a string in object
 * mode); each chunk written is sent as one message. Ending the writable
 * side starts the closing handshake; destroying the stream terminates the
 * connection; an error of the WebSocket destroys the stream with it.
 */
import { Duplex, type DuplexOptions } from 'node:stream';
import { ReadyState } from './constants.js';
import type { RawData, WebSocket } from './websocket.js';

export function createWebSocketStream(ws: WebSocket, options: DuplexOptions = {}): Duplex {
  let terminateOnDestroy = true;

  const duplex = new Duplex({
    ...options,
    autoDestroy: false,
    emitClose: false,
    objectMode: false,
    writableObjectMode: false,
  });

  const onMessage = (msg: RawData, isBinary: boolean) => {
    const data = !isBinary && duplex.readableObjectMode ? String(msg) : msg;
    // Backpressure: stop reading the connection until the stream is read.
    if (!duplex.push(data)) ws.pause();
  };
  ws.on('message', onMessage);

  ws.once('error', (err: Error) => {
    if (duplex.destroyed) return;
    // The WebSocket is already being torn down: do not terminate it again.
    terminateOnDestroy = false;
    duplex.destroy(err);
  });

  ws.once('close', () => {
    if (duplex.destroyed) return;
    duplex.push(null);
  });

  duplex._destroy = (err, callback) => {
    if (ws.readyState === ReadyState.CLOSED) {
      callback(err);
      process.nextTick(() => duplex.emit('close'));
      return;
    }
    let called = false;
    ws.once('error', (e: Error) => {
      called = true;
      callback(e);
    });
    ws.once('close', () => {
      if (!called) callback(err);
      process.nextTick(() => duplex.emit('close'));
    });
    if (terminateOnDestroy) ws.terminate();
  };

  duplex._final = (callback) => {
    if (ws.readyState === ReadyState.CONNECTING) {
      ws.once('open', () => duplex._final(callback));
      return;
    }
    const socket = ws._socket;
    if (socket === null) return;
    if (socket.writableFinished) {
      callback();
      if (duplex.readableEnded) duplex.destroy();
      return;
    }
    socket.once('finish', () => callback());
    ws.close();
  };

  duplex._read = () => {
    if (ws.isPaused) ws.resume();
  };

  duplex._write = (chunk: Buffer | string, _encoding, callback) => {
    if (ws.readyState === ReadyState.CONNECTING) {
      ws.once('open', () => duplex._write(chunk, _encoding, callback));
      return;
    }
    ws.send(chunk, callback);
  };

  duplex.on('end', () => {
    if (!duplex.destroyed && duplex.writableFinished) duplex.destroy();
  });
  duplex.on('error', () => {
    // Errors reach the user through the stream's own listeners, if any.
  });
  return duplex;
}
