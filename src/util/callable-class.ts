/**
 * Node's network classes are old-style constructors: `net.Server()`,
 * `http.Agent()` work without `new`, and pre-class code inherits from them
 * with `util.inherits(Sub, http.Server)` and `http.Server.call(this, ...)`.
 * ES classes throw when called, so the public export is the class behind a
 * Proxy whose call trap constructs. For a `.call(this)` on an object that
 * already inherits from the class, the instance is built with the caller's
 * constructor as `new.target` and its own properties are moved onto `this`.
 * `instanceof`, `extends`, statics and the prototype pass through; internal
 * code uses the classes directly.
 */
// biome-ignore lint/suspicious/noExplicitAny: constructor parameter lists are arbitrary.
type AnyClass = abstract new (...args: any[]) => unknown;

export type CallableClass<C extends AnyClass> = C &
  ((...args: ConstructorParameters<C>) => InstanceType<C>);

export function callableClass<C extends AnyClass>(cls: C): CallableClass<C> {
  const proxy: CallableClass<C> = new Proxy(cls, {
    // `new Exported()` constructs the class itself: with the proxy as
    // new.target, V8 would derive a fresh object shape for every instance
    // (about 20 µs for a net.Socket instead of under 1 µs). Subclasses
    // (`class Sub extends Exported`) pass their own new.target through.
    construct(target, args: unknown[], newTarget: AnyClass) {
      const Target = target as unknown as new (...a: unknown[]) => object;
      return newTarget === proxy ? new Target(...args) : Reflect.construct(Target, args, newTarget);
    },
    apply(target, thisArg: unknown, args: unknown[]) {
      if (
        thisArg !== null &&
        typeof thisArg === 'object' &&
        thisArg instanceof (target as unknown as new () => unknown)
      ) {
        const ctor = (thisArg as { constructor: unknown }).constructor;
        const newTarget = typeof ctor === 'function' ? (ctor as AnyClass) : target;
        const built = Reflect.construct(target as unknown as new () => object, args, newTarget);
        for (const key of Reflect.ownKeys(built)) {
          Object.defineProperty(thisArg, key, Object.getOwnPropertyDescriptor(built, key)!);
        }
        return undefined;
      }
      return Reflect.construct(target as unknown as new () => unknown, args);
    },
  }) as CallableClass<C>;
  return proxy;
}
