/**
 * The WHATWG WebSocket shape on top of the EventEmitter one
 * (https://websockets.spec.whatwg.org/): `addEventListener` /
 * `removeEventListener` and the `onopen` / `onmessage` / `onclose` /
 * `onerror` attributes, with event objects of the browser's shape:
 *
 * | event   | object       | fields                                   |
 * |---------|--------------|------------------------------------------|
 * | open    | Event        | type, target                             |
 * | message | MessageEvent | data: string (text) or binary per `binaryType` |
 * | close   | CloseEvent   | code, reason (string), wasClean          |
 * | error   | ErrorEvent   | error, message                           |
 */
import type { EventEmitter } from 'node:events';

const kTarget = Symbol('target');
const kType = Symbol('type');

/** A minimal DOM `Event`: `type` and `target`. */
export class Event {
  [kTarget]: unknown = null;
  [kType]: string;
  constructor(type: string) {
    this[kType] = type;
  }
  get type(): string {
    return this[kType];
  }
  /** The WebSocket that dispatched the event. */
  get target(): unknown {
    return this[kTarget];
  }
}

/** `close`: the close code, the reason as a string, and whether both close frames were exchanged. */
export class CloseEvent extends Event {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  constructor(type: string, init: { code?: number; reason?: string; wasClean?: boolean } = {}) {
    super(type);
    this.code = init.code ?? 0;
    this.reason = init.reason ?? '';
    this.wasClean = init.wasClean ?? false;
  }
}

/** `error`: the Error and its message. */
export class ErrorEvent extends Event {
  readonly error: unknown;
  readonly message: string;
  constructor(type: string, init: { error?: unknown; message?: string } = {}) {
    super(type);
    this.error = init.error ?? null;
    this.message = init.message ?? '';
  }
}

/** `message`: `data` is a string for text, and per `binaryType` for binary. */
export class MessageEvent extends Event {
  readonly data: unknown;
  constructor(type: string, init: { data?: unknown } = {}) {
    super(type);
    this.data = init.data ?? null;
  }
}

/** A listener: a function, or an object with `handleEvent`. */
export type EventListenerLike<E extends Event = Event> =
  | ((event: E) => void)
  | { handleEvent(event: E): void };

export interface WebSocketEventMap {
  open: Event;
  message: MessageEvent;
  close: CloseEvent;
  error: ErrorEvent;
}

const kListener = Symbol('listener');
const kForAttribute = Symbol('forAttribute');

/** A listener as registered on the emitter: it builds the event object, then calls the user's. */
interface Wrapper {
  (...args: unknown[]): void;
  [kListener]: EventListenerLike<never>;
  [kForAttribute]: boolean;
}

/** The emitter side of a WebSocket, as far as events need it. */
export interface EventSource extends EventEmitter {
  /** Both close frames were exchanged (CloseEvent.wasClean). */
  readonly closeWasClean: boolean;
}

function wrappers(emitter: EventEmitter, type: string): Wrapper[] {
  // listeners() unwraps once() wrappers, so these are our own functions.
  return (emitter.listeners(type) as Array<Partial<Wrapper>>).filter(
    (l): l is Wrapper => typeof l === 'function' && l[kListener] !== undefined,
  );
}

function call<E extends Event>(listener: EventListenerLike<E>, thisArg: unknown, event: E): void {
  if (typeof listener === 'function') listener.call(thisArg, event);
  else listener.handleEvent(event);
}

function makeEvent(type: string, args: unknown[], target: EventSource): Event {
  switch (type) {
    case 'message': {
      const [data, isBinary] = args as [Buffer, boolean];
      return new MessageEvent('message', { data: isBinary ? data : data.toString() });
    }
    case 'close': {
      const [code, reason] = args as [number, Buffer];
      return new CloseEvent('close', {
        code,
        reason: reason.toString(),
        wasClean: target.closeWasClean,
      });
    }
    case 'error': {
      const [error] = args as [Error];
      return new ErrorEvent('error', { error, message: error.message });
    }
    default:
      return new Event(type);
  }
}

const EVENT_TYPES: ReadonlySet<string> = new Set(['open', 'message', 'close', 'error']);

/**
 * `addEventListener(type, listener[, { once }])` on an EventEmitter-based
 * WebSocket: the listener gets an event object with `target` set. Adding the
 * same listener twice for a type has no effect (as in the DOM).
 */
export function addEventListener(
  emitter: EventSource,
  type: string,
  listener: EventListenerLike<never> | null | undefined,
  options: { once?: boolean; forAttribute?: boolean } = {},
): void {
  if (listener === null || listener === undefined || !EVENT_TYPES.has(type)) return;
  const forAttribute = options.forAttribute === true;
  if (!forAttribute) {
    for (const w of wrappers(emitter, type)) {
      if (w[kListener] === listener && !w[kForAttribute]) return;
    }
  }
  const wrapper = function wsEventWrapper(...args: unknown[]) {
    const event = makeEvent(type, args, emitter);
    event[kTarget] = emitter;
    call(listener as EventListenerLike<Event>, emitter, event);
  } as Wrapper;
  wrapper[kListener] = listener;
  wrapper[kForAttribute] = forAttribute;
  if (options.once) emitter.once(type, wrapper);
  else emitter.on(type, wrapper);
}

/** Removes a listener added with `addEventListener` (attribute handlers are not touched). */
export function removeEventListener(
  emitter: EventEmitter,
  type: string,
  listener: EventListenerLike<never> | null | undefined,
): void {
  for (const w of wrappers(emitter, type)) {
    if (w[kListener] === listener && !w[kForAttribute]) {
      emitter.removeListener(type, w);
      return;
    }
  }
}

/** The current `on<type>` attribute handler, or null. */
export function getAttributeHandler(emitter: EventEmitter, type: string): unknown {
  for (const w of wrappers(emitter, type)) if (w[kForAttribute]) return w[kListener];
  return null;
}

/** Sets the `on<type>` attribute handler (replacing the previous one; null clears it). */
export function setAttributeHandler(emitter: EventSource, type: string, handler: unknown): void {
  for (const w of wrappers(emitter, type)) {
    if (w[kForAttribute]) {
      emitter.removeListener(type, w);
      break;
    }
  }
  if (typeof handler === 'function') {
    addEventListener(emitter, type, handler as EventListenerLike<never>, { forAttribute: true });
  }
}
