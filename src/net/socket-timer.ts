/**
 * A socket's idle timer (`socket.setTimeout`): emits `'timeout'` on its owner
 * after `ms` milliseconds without activity. One timer object per socket,
 * re-armed with `refresh()` on activity instead of being recreated: activity
 * is reported on every read and write, a hot path. Unref'd, as Node's socket
 * timers are: it never keeps the process alive.
 */
export class SocketTimer {
  ms = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly owner: { emit(event: 'timeout'): boolean }) {}

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
    this.timer = setTimeout(() => this.owner.emit('timeout'), ms);
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
