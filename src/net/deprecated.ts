let warned = false;

/**
 * `net._setSimultaneousAccepts()`: a Windows-only tuning knob Node deprecated
 * (DEP0121); it only warns, once per process.
 */
export function _setSimultaneousAccepts(_enable?: boolean): void {
  if (warned) return;
  warned = true;
  process.emitWarning(
    'net._setSimultaneousAccepts() is deprecated and will be removed.',
    'DeprecationWarning',
    'DEP0121',
  );
}
