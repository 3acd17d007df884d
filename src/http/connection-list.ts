/**
 * The open connections of an HTTP server, as a list linked through the
 * connections themselves — what Node keeps in its native ConnectionsList.
 *
 * Why not a `Set`: a server adds and removes a connection per accepted
 * socket. A `Set` that churns rebuilds its table every few dozen changes,
 * and V8 links each replaced table to its successor and keeps its entries.
 * Once a long-lived table sits in the old generation, every table after it,
 * and every connection any of them names, is kept alive by it until the
 * next full collection: under a storm of short connections, nearly every
 * connection's objects were promoted to the old generation, and the heap's
 * peak grew with them. A list links only live connections, and a removed
 * connection names nothing, so a closed connection dies young.
 */

/** A list member: the list's links live on it (no node object per entry). */
export interface Listed<T> {
  listPrev: T | null;
  listNext: T | null;
}

/** The members of one server, in the order they were added. */
export class ConnectionList<T extends Listed<T>> implements Iterable<T> {
  private head: T | null = null;
  private tail: T | null = null;
  private count = 0;

  /** How many members there are. */
  get size(): number {
    return this.count;
  }

  /** Adds `item` at the end; a member already (of this list) stays where it is. */
  add(item: T): this {
    if (this.has(item)) return this;
    item.listPrev = this.tail;
    item.listNext = null;
    if (this.tail === null) this.head = item;
    else this.tail.listNext = item;
    this.tail = item;
    this.count++;
    return this;
  }

  /** Removes `item`; false when it was not a member. Its links are cleared (see the file comment). */
  delete(item: T): boolean {
    if (!this.has(item)) return false;
    const { listPrev: prev, listNext: next } = item;
    if (prev === null) this.head = next;
    else prev.listNext = next;
    if (next === null) this.tail = prev;
    else next.listPrev = prev;
    item.listPrev = null;
    item.listNext = null;
    this.count--;
    return true;
  }

  /** Whether `item` is a member (of this list: an item belongs to one list at most). */
  has(item: T): boolean {
    return item.listPrev !== null || this.head === item;
  }

  /**
   * The members as they are now: members removed or added while the caller
   * walks them (a timed-out connection closing, say) do not disturb the walk.
   */
  [Symbol.iterator](): Iterator<T> {
    const members: T[] = [];
    for (let item = this.head; item !== null; item = item.listNext) members.push(item);
    return members[Symbol.iterator]();
  }
}
