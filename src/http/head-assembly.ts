/**
 * Assembles a message head (start line, field lines, final CRLF) from its
 * rendered lines, reusing the last head assembled when every line is the
 * same string again.
 *
 * A server sends the same head over and over (the lines come from the
 * renderers' memos: status line, field lines, the Date line of this second,
 * the Connection / Keep-Alive lines). Concatenating them anew makes a tree
 * of string pieces that the socket write has to walk and copy on every
 * response; the reused head is one flat string, copied as one piece. Lines
 * compare by value (`===`): memoized lines are the same string object,
 * which is the fast case.
 *
 * One head is assembled at a time (the calls run synchronously, in order:
 * `beginHead`, `addHeadLines`..., `endHead`).
 */

const CRLF = '\r\n';

let lines: string[] = [];
let count = 0;
let lastLines: string[] = [];
let lastCount = -1;
let lastHead = '';

/** Starts a head with its start line (ending in CRLF). */
export function beginHead(startLine: string): void {
  lines[0] = startLine;
  count = 1;
}

/** Adds one or more field lines, each ending in CRLF. */
export function addHeadLines(text: string): void {
  lines[count++] = text;
}

/** The head: the lines added since `beginHead`, then the empty line. */
export function endHead(): string {
  if (count === lastCount) {
    let i = 0;
    while (i < count && lines[i] === lastLines[i]) i++;
    if (i === count) return lastHead;
  }
  // Joined rather than concatenated: join makes one flat string, where `+`
  // makes a tree that every later write containing it would walk again.
  lines.length = count;
  lines.push(CRLF);
  const head = lines.join('');
  lines.length = count;
  const spare = lastLines;
  lastLines = lines;
  lines = spare;
  lastCount = count;
  lastHead = head;
  return head;
}
