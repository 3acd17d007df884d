/**
 * The request methods the parser accepts (`http.METHODS`), as a byte trie:
 * the request line is matched byte by byte, so an unknown method fails at
 * the first byte that no known method has there (as llhttp reports it), and
 * a known one comes out as an interned string without slicing the input.
 */
import { METHODS } from './methods.js';

// RTSP's methods share llhttp's method table: they are walked (so an error
// is reported where llhttp reports it) but never accepted.
const RTSP_ONLY = [
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
  'FLUSH',
];

/** The method spelled by the path to a node, or null. */
export const METHOD_NAMES: (string | null)[] = [];
/** `METHOD_TRIE[node * 128 + byte]`: the next node + 1, or 0 when no method continues with `byte`. */
export const METHOD_TRIE: Uint16Array = build();

function build(): Uint16Array {
  const edges: number[][] = [[]];
  METHOD_NAMES.length = 0;
  METHOD_NAMES.push(null);
  for (const m of [...METHODS, ...RTSP_ONLY]) {
    let node = 0;
    for (let i = 0; i < m.length; i++) {
      const c = m.charCodeAt(i);
      let next = edges[node]![c];
      if (next === undefined) {
        next = edges.length;
        edges.push([]);
        METHOD_NAMES.push(null);
        edges[node]![c] = next;
      }
      node = next;
    }
    if (METHODS.includes(m)) METHOD_NAMES[node] = m;
  }
  const trie = new Uint16Array(edges.length * 128);
  edges.forEach((row, node) => {
    row.forEach((next, c) => {
      if (next !== undefined) trie[node * 128 + c] = next + 1;
    });
  });
  return trie;
}
