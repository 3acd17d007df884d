/**
 * Request methods as a byte trie, matched byte by byte on the request
 * line: an unknown method fails at the first byte that no method has there
 * (as llhttp reports it), and a known one comes out as an interned string
 * without slicing the input.
 *
 * The trie holds llhttp's whole method table: `http.METHODS`, `PRI` (the
 * HTTP/2 connection preface, RFC 9113 §3.4) and RTSP's methods. Which
 * protocol name may follow a method is checked once the request line names
 * it, as llhttp does, so that a method it knows fails where it fails; only
 * `http.METHODS` ever reach the application.
 */
import { METHODS } from './methods.js';

/** `METHOD_FLAGS` bits. 0: the path to this node spells no method. */
/** The method may be used with `HTTP/` (`http.METHODS` and `PRI`). */
export const M_HTTP = 1;
/** The method is one of RTSP's (RFC 2326 and the AirPlay extensions llhttp knows). */
export const M_RTSP = 2;
/** `SOURCE`, the one method llhttp allows with Icecast's `ICE/`. */
export const M_ICE = 4;
/** CONNECT: the request-target is an authority (RFC 9112 §3.2.3). */
export const M_CONNECT = 8;
/** PRI: only as the start of the HTTP/2 connection preface. */
export const M_PRI = 16;

const RTSP = [
  'OPTIONS',
  'DESCRIBE',
  'ANNOUNCE',
  'SETUP',
  'PLAY',
  'PAUSE',
  'TEARDOWN',
  'GET_PARAMETER',
  'SET_PARAMETER',
  'REDIRECT',
  'RECORD',
  'GET',
  'POST',
  'FLUSH',
];

const table = build();
/** The method spelled by the path to a node, or null. */
export const METHOD_NAMES: (string | null)[] = table.names;
/** `M_*` bits of the method spelled by the path to a node (0: none). */
export const METHOD_FLAGS: Uint8Array = table.flags;
/** `METHOD_TRIE[node * 128 + byte]`: the next node + 1, or 0 when no method continues with `byte`. */
export const METHOD_TRIE: Uint16Array = table.trie;

function flagsOf(m: string): number {
  let f = 0;
  if (METHODS.includes(m) || m === 'PRI') f |= M_HTTP;
  if (RTSP.includes(m)) f |= M_RTSP;
  if (m === 'SOURCE') f |= M_ICE;
  if (m === 'CONNECT') f |= M_CONNECT;
  if (m === 'PRI') f |= M_PRI;
  return f;
}

function build(): { names: (string | null)[]; flags: Uint8Array; trie: Uint16Array } {
  const edges: number[][] = [[]];
  const flags: number[] = [0];
  const names: (string | null)[] = [null];
  for (const m of new Set([...METHODS, 'PRI', ...RTSP])) {
    let node = 0;
    for (let i = 0; i < m.length; i++) {
      const c = m.charCodeAt(i);
      let next = edges[node]![c];
      if (next === undefined) {
        next = edges.length;
        edges.push([]);
        flags.push(0);
        names.push(null);
        edges[node]![c] = next;
      }
      node = next;
    }
    names[node] = m;
    flags[node] = flagsOf(m);
  }
  const trie = new Uint16Array(edges.length * 128);
  edges.forEach((row, node) => {
    row.forEach((next, c) => {
      if (next !== undefined) trie[node * 128 + c] = next + 1;
    });
  });
  return { names, flags: Uint8Array.from(flags), trie };
}
