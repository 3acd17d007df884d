/**
 * A socket's idle timer (`socket.setTimeout`): calls its owner's `_onTimeout`
 * (which emits `'timeout'`) after `ms` milliseconds without activity. Unref'd,
 * as Node's socket timers are: it never keeps the process alive.
 *
 * One timer object per socket, re-armed with `refresh()` instead of being
 * recreated: activity is reported on every read and write, and an HTTP
 * keep-alive connection switches its timeout on and off around every request
 * (`set(keepAliveTimeout)`, then `set(0)`), both hot paths. Disarming only
 * marks the timer off; if it fires while off it does nothing, and arming it
 * again with the same duration refreshes it.
 */
export class SocketTimer {
  /** The timeout in effect, ms; 0 = none. */
  ms = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The duration `timer` was created with. */
  private timerMs = 0;

  constructor(private readonly owner: { _onTimeout(): void }) {}

  /** Arms the timer for `ms` milliseconds (0 disarms it). */
  set(ms: number): void {
    this.ms = ms;
    if (ms === 0) return;
    if (this.timer !== null && this.timerMs === ms) {
      this.timer.refresh();
      return;
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerMs = ms;
    this.timer = setTimeout(() => {
      if (this.ms !== 0) this.owner._onTimeout();
    }, ms);
    this.timer.unref();
  }

  /** Activity: restarts the countdown. */
  touch(): void {
    if (this.ms !== 0) this.timer!.refresh();
  }

  clear(): void {
    this.ms = 0;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
