/**
 * The `Date` header value (IMF-fixdate, RFC 9110 §5.6.7), formatted at most
 * once per second: formatting a date per response is measurable at high
 * request rates. The cached value is dropped by an unref'd timer at the next
 * second boundary, so a response does not even read the clock.
 */
let cachedValue: string | null = null;
let cachedLine: string | null = null;

function dropCachedValue(): void {
  cachedValue = null;
  cachedLine = null;
}

/** Current time as an IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`. */
export function utcDate(): string {
  if (cachedValue === null) {
    const now = new Date();
    cachedValue = now.toUTCString();
    setTimeout(dropCachedValue, 1000 - now.getMilliseconds()).unref();
  }
  return cachedValue;
}

/** The whole `Date: <IMF-fixdate>` field line with its CRLF, cached as the value is. */
export function utcDateLine(): string {
  // Dropped with the value (dropCachedValue).
  if (cachedLine === null) cachedLine = `Date: ${utcDate()}\r\n`;
  return cachedLine;
}
