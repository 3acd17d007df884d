/**
 * Node's own `http.IncomingMessage.prototype`, `http.OutgoingMessage.prototype`
 * and `http.ServerResponse.prototype`, taught to serve wirestack's messages.
 *
 * Express builds its `req` / `res` prototypes once, at load, as
 * `Object.create(http.IncomingMessage.prototype)` /
 * `Object.create(http.ServerResponse.prototype)` of whatever `node:http` it
 * required, and moves every request and response onto them
 * (`Object.setPrototypeOf(req, app.request)`). Served by wirestack's server
 * without `wirestack/register`, our objects then find Node's methods where
 * ours were: `res.setHeader`, `res.end`, `req.headers`, the stream state
 * accessor, every private helper.
 *
 * So each property of those three prototypes, and each one our classes
 * define that Node's lack, becomes a dispatcher on Node's prototype: on a
 * wirestack message (one carrying `kHome`, the prototype its constructor
 * gave it) it runs wirestack's property found from that home; on anything
 * else it runs Node's own, unchanged. Node's own messages keep their
 * behaviour; they pay one failed property lookup per bridged call.
 *
 * Installed when the first wirestack `http.Server` is constructed (servers
 * are where frameworks move messages onto other prototypes). Several copies
 * of wirestack in one process share the key and add only what is missing.
 */
import type { IncomingMessage } from './incoming-message.js';
import type { OutgoingMessage } from './outgoing-message.js';
import type { ServerResponse } from './server-response.js';

/**
 * Key of the prototype a wirestack message was constructed with (its class's
 * prototype, a user's subclass included), kept as an own property so that
 * it survives the message being moved onto another prototype.
 */
export const kHome: unique symbol = Symbol.for('wirestack.http.home');

/** Marks a dispatcher this module put on one of Node's prototypes. */
const kBridged = Symbol.for('wirestack.http.bridged');

type Home = { [kHome]?: object };
type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** The wirestack prototype `target` was built from, or undefined for any other object. */
function homeOf(target: unknown): object | undefined {
  return target === null || target === undefined ? undefined : (target as Home)[kHome];
}

function isBridged(descriptor: PropertyDescriptor | undefined): boolean {
  const fn = descriptor?.value ?? descriptor?.get;
  return typeof fn === 'function' && (fn as { [kBridged]?: boolean })[kBridged] === true;
}

function mark<F extends Function>(fn: F): F {
  Object.defineProperty(fn, kBridged, { value: true });
  return fn;
}

/** A method on `nodeProto` that runs wirestack's `key` on wirestack messages. */
function bridgeMethod(nodeProto: object, key: PropertyKey, own: PropertyDescriptor | undefined) {
  const parent = Object.getPrototypeOf(nodeProto) as object;
  const nodeMethod = own?.value as AnyFunction | undefined;
  const dispatcher = mark(function (this: unknown, ...args: unknown[]): unknown {
    const home = homeOf(this);
    if (home !== undefined) {
      const ours = (home as Record<PropertyKey, unknown>)[key];
      if (typeof ours === 'function' && ours !== dispatcher) {
        return (ours as AnyFunction).apply(this, args);
      }
    }
    const theirs = nodeMethod ?? (Reflect.get(parent, key, this) as AnyFunction | undefined);
    if (typeof theirs !== 'function') {
      throw new TypeError(`${String(key)} is not a function`);
    }
    return theirs.apply(this, args);
  });
  Object.defineProperty(dispatcher, 'name', { value: typeof key === 'string' ? key : '' });
  Object.defineProperty(nodeProto, key, {
    configurable: true,
    enumerable: own?.enumerable ?? false,
    writable: true,
    value: dispatcher,
  });
}

/** An accessor on `nodeProto` that reads and writes wirestack's `key` on wirestack messages. */
function bridgeAccessor(nodeProto: object, key: PropertyKey, own: PropertyDescriptor | undefined) {
  const parent = Object.getPrototypeOf(nodeProto) as object;
  const get = mark(function (this: unknown): unknown {
    const home = homeOf(this);
    if (home !== undefined && key in home) return Reflect.get(home, key, this);
    if (own === undefined) return Reflect.get(parent, key, this);
    return own.get?.call(this);
  });
  const set = mark(function (this: unknown, value: unknown): void {
    const home = homeOf(this);
    if (home !== undefined && key in home) Reflect.set(home, key, value, this);
    else if (own === undefined) {
      // Nothing of Node's to run: an assignment makes the object's own
      // property, as it would with no accessor in the chain (the stream
      // constructor's `this._readableState = ...` on Node's own messages).
      Reflect.set(parent, key, value, this);
    } else own.set?.call(this, value);
  });
  Object.defineProperty(nodeProto, key, {
    configurable: true,
    enumerable: own?.enumerable ?? false,
    get,
    set,
  });
}

/**
 * Bridges every property of `nodeProto`, and every property of our
 * prototypes from `ours` up to (not including) `sharedAncestor`, on
 * `nodeProto`.
 */
function bridgePrototype(nodeProto: object, ours: object, sharedAncestor: object): void {
  const keys = new Set<PropertyKey>(Reflect.ownKeys(nodeProto));
  const ourDescriptors = new Map<PropertyKey, PropertyDescriptor>();
  for (let p: object | null = ours; p !== null && p !== sharedAncestor; ) {
    for (const key of Reflect.ownKeys(p)) {
      keys.add(key);
      if (!ourDescriptors.has(key))
        ourDescriptors.set(key, Object.getOwnPropertyDescriptor(p, key)!);
    }
    p = Object.getPrototypeOf(p) as object | null;
  }
  keys.delete('constructor');
  for (const key of keys) {
    const own = Object.getOwnPropertyDescriptor(nodeProto, key);
    // Node defines a few accessors unconfigurable (`headers`, `connection`,
    // `writableEnded`, ...): they stay, and read fields our messages have
    // too, or Node's private keys (bridged by `bridgePrivateKeys`).
    if (isBridged(own) || own?.configurable === false) continue;
    // Node keeps a few defaults as plain data on its prototypes
    // (`ServerResponse.prototype.statusCode = 200`): our messages always
    // have their own value, so those stay as they are.
    if (own !== undefined && 'value' in own && typeof own.value !== 'function') continue;
    const model = own ?? ourDescriptors.get(key)!;
    if (model.get !== undefined || model.set !== undefined) bridgeAccessor(nodeProto, key, own);
    else if (typeof model.value === 'function') bridgeMethod(nodeProto, key, own);
  }
}

/**
 * Node's unconfigurable accessors read a few private symbol-keyed fields
 * (`req.headers` is built into `this[kHeaders]`). Those keys are found on a
 * message of Node's own, by their description, and become accessors on
 * Node's prototype that answer, for a wirestack message, with our property
 * of the same meaning (`aliases`: description → our name). Node's own
 * messages hold those keys as own fields from their constructor on, so
 * they never reach these accessors except to assign, which makes the own
 * field as before.
 */
function bridgePrivateKeys(
  nodeProto: object,
  sample: object,
  aliases: Readonly<Record<string, string>>,
): void {
  for (const key of Object.getOwnPropertySymbols(sample)) {
    const name = key.description === undefined ? undefined : aliases[key.description];
    if (name === undefined) continue;
    const own = Object.getOwnPropertyDescriptor(nodeProto, key);
    if (isBridged(own) || own !== undefined) continue;
    const parent = Object.getPrototypeOf(nodeProto) as object;
    const get = mark(function (this: Record<PropertyKey, unknown>): unknown {
      const home = homeOf(this);
      if (home === undefined) return Reflect.get(parent, key, this);
      return name in home ? Reflect.get(home, name, this) : this[name];
    });
    const set = mark(function (this: Record<PropertyKey, unknown>, value: unknown): void {
      const home = homeOf(this);
      if (home === undefined) Reflect.set(parent, key, value, this);
      else if (name in home) Reflect.set(home, name, value, this);
      else this[name] = value;
    });
    Object.defineProperty(nodeProto, key, { configurable: true, enumerable: false, get, set });
  }
}

/** The classes whose prototypes are bridged to Node's. */
export interface BridgedClasses {
  IncomingMessage: typeof IncomingMessage;
  OutgoingMessage: typeof OutgoingMessage;
  ServerResponse: typeof ServerResponse;
}

let installed = false;

/**
 * Makes Node's http message prototypes serve wirestack's messages (see the
 * file's comment). Idempotent; Node's http module is loaded on first call.
 */
export function bridgeNodePrototypes(classes: BridgedClasses): void {
  if (installed) return;
  installed = true;
  // The real node:http: `wirestack/register` exempts wirestack's own files.
  const nodeHttp = require('node:http') as typeof import('node:http');
  const { Readable, Stream } = require('node:stream') as typeof import('node:stream');
  bridgePrototype(
    nodeHttp.IncomingMessage.prototype,
    classes.IncomingMessage.prototype,
    Readable.prototype,
  );
  bridgePrototype(
    nodeHttp.OutgoingMessage.prototype,
    classes.OutgoingMessage.prototype,
    Stream.prototype,
  );
  const request = new nodeHttp.IncomingMessage(null as never);
  // These two make their private fields on first use.
  void request.headersDistinct;
  void request.trailersDistinct;
  bridgePrivateKeys(nodeHttp.IncomingMessage.prototype, request, {
    kHeaders: 'headers',
    kHeadersDistinct: 'headersDistinct',
    kTrailers: 'trailers',
    kTrailersDistinct: 'trailersDistinct',
  });
  bridgePrivateKeys(nodeHttp.OutgoingMessage.prototype, new nodeHttp.OutgoingMessage(), {
    corked: 'corkedWithoutSocket',
    kNeedDrain: '_needDrain',
    errored: 'errored',
  });
  bridgePrototype(
    nodeHttp.ServerResponse.prototype,
    classes.ServerResponse.prototype,
    classes.OutgoingMessage.prototype,
  );
}
