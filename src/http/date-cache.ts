/**
 * The `Date` header value (IMF-fixdate, RFC 9110 §5.6.7), formatted at most
 * once per second: formatting a date per response is measurable at high
 * request rates.
 */
let cachedSecond = -1;
let cachedValue = '';

/** Current time as an IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`. */
export function utcDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedValue = new Date(now).toUTCString();
  }
  return cachedValue;
}
