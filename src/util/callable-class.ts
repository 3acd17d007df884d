/**
 * Node's network classes are old-style constructors: `net.Server()`,
 * `net.Socket()`, `http.Agent()` work without `new`. ES classes throw when
 * called, so the public export is the class behind a Proxy whose call trap
 * constructs. `instanceof`, `extends`, statics and the prototype all pass
 * through to the class itself; internal code uses the class directly, so only
 * user calls pay for the Proxy.
 */
// biome-ignore lint/suspicious/noExplicitAny: constructor parameter lists are arbitrary.
type AnyClass = abstract new (...args: any[]) => unknown;

export type CallableClass<C extends AnyClass> = C &
  ((...args: ConstructorParameters<C>) => InstanceType<C>);

export function callableClass<C extends AnyClass>(cls: C): CallableClass<C> {
  return new Proxy(cls, {
    apply(target, _thisArg, args: unknown[]) {
      return Reflect.construct(target, args);
    },
  }) as CallableClass<C>;
}
