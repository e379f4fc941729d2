/**
 * Politeness per host: at most `concurrency` requests at once and at least `delayMs` between
 * the start of two requests to the same host (or the site's robots Crawl-delay, if longer).
 */
export class HostLimiter {
  private hosts = new Map<string, { active: number; lastStart: number; queue: (() => void)[] }>();

  constructor(
    private readonly concurrency = 2,
    private readonly delayMs = 1000,
  ) {}

  async run<T>(host: string, fn: () => Promise<T>, minDelayMs = 0): Promise<T> {
    let h = this.hosts.get(host);
    if (!h) {
      h = { active: 0, lastStart: 0, queue: [] };
      this.hosts.set(host, h);
    }
    const state = h;
    while (state.active >= this.concurrency) await new Promise<void>((resolve) => state.queue.push(resolve));
    state.active++;
    try {
      const delay = Math.max(this.delayMs, minDelayMs);
      const wait = state.lastStart + delay - Date.now();
      state.lastStart = Math.max(Date.now(), state.lastStart + delay);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return await fn();
    } finally {
      state.active--;
      state.queue.shift()?.();
    }
  }
}
