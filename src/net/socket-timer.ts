/**
 * A socket's idle timer (`socket.setTimeout`): calls its owner's `_onTimeout`
 * (which emits `'timeout'`) after `ms` milliseconds without activity. One timer object per socket,
 * re-armed with `refresh()` on activity instead of being recreated: activity
 * is reported on every read and write, a hot path. Unref'd, as Node's socket
 * timers are: it never keeps the process alive.
 */
export class SocketTimer {
  ms = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly owner: { _onTimeout(): void }) {}

  /** Arms the timer for `ms` milliseconds (0 disarms it). */
  set(ms: number): void {
    this.ms = ms;
    if (ms === 0) {
      this.clear();
      return;
    }
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => this.owner._onTimeout(), ms);
    this.timer.unref();
  }

  /** Activity: restarts the countdown. */
  touch(): void {
    this.timer?.refresh();
  }

  clear(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
