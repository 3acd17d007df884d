import { Stream } from 'node:stream';

const streamEventNames = Stream.prototype.eventNames;

/**
 * `eventNames()` for a message whose listener table (`_events`) is made
 * with its first listener (see `MessageStream`, `LazyReadable`): the legacy
 * Stream's own reads the table without checking it exists. Every other
 * EventEmitter method takes a missing table as no listeners.
 */
export function eventNames(this: Stream): (string | symbol)[] {
  return (this as { _events?: object })._events === undefined ? [] : streamEventNames.call(this);
}
