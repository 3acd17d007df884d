/**
 * An EventEmitter whose listener methods are typed by an event map (event
 * name → listener signature); any other event name still takes any listener,
 * as on a plain EventEmitter.
 */
import { EventEmitter } from 'node:events';

// biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type.
type AnyListener = (...args: any[]) => void;

export class TypedEmitter<
  Events extends { [K in keyof Events]: AnyListener },
> extends EventEmitter {
  override on<K extends keyof Events>(event: K, listener: Events[K]): this;
  override on(event: string | symbol, listener: AnyListener): this;
  override on(event: string | symbol, listener: AnyListener): this {
    return super.on(event, listener);
  }
  override once<K extends keyof Events>(event: K, listener: Events[K]): this;
  override once(event: string | symbol, listener: AnyListener): this;
  override once(event: string | symbol, listener: AnyListener): this {
    return super.once(event, listener);
  }
  override off<K extends keyof Events>(event: K, listener: Events[K]): this;
  override off(event: string | symbol, listener: AnyListener): this;
  override off(event: string | symbol, listener: AnyListener): this {
    return super.off(event, listener);
  }
  override addListener<K extends keyof Events>(event: K, listener: Events[K]): this;
  override addListener(event: string | symbol, listener: AnyListener): this;
  override addListener(event: string | symbol, listener: AnyListener): this {
    return super.addListener(event, listener);
  }
  override removeListener<K extends keyof Events>(event: K, listener: Events[K]): this;
  override removeListener(event: string | symbol, listener: AnyListener): this;
  override removeListener(event: string | symbol, listener: AnyListener): this {
    return super.removeListener(event, listener);
  }
}
