/**
 * The public modules are typed with `@types/node`'s declarations (see
 * docs/types.md): a wirestack `http.Server` *is* an `import('node:http').Server`
 * to the type checker, so code and libraries typed against Node's modules take
 * wirestack's objects unchanged. The implementation classes declare their own,
 * stricter types for internal use; this module states, in one place, that the
 * public export of each is Node's class. That the runtime shape is Node's is
 * what the behaviour tests (and Node's own test files) prove, and
 * test/types/declared-members.test.ts checks that each implementation
 * declares every member Node's declaration names.
 */

/**
 * A class as `@types/node` declares it (`Static`: `typeof` Node's class, for
 * its static members), constructed — with or without `new`, as Node's network
 * classes are — from `Args`, which may add wirestack's options to Node's.
 */
export type NodeClass<Static, Instance, Args extends unknown[]> = Omit<Static, 'prototype'> & {
  new (...args: Args): Instance;
  (...args: Args): Instance;
  readonly prototype: Instance;
};

/** `implementation`, typed as the public declaration `Public` (Node's). */
export function nodeTyped<Public>(implementation: unknown): Public {
  return implementation as Public;
}
