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
  return new Proxy(cls, {
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
}
