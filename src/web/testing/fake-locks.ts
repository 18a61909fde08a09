/** An in-memory navigator.locks (exclusive locks only), for tests of tab leadership. */
import type { LocksLike } from '../tab-leadership';

interface Waiter {
  callback: (lock: unknown) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class FakeLocks implements LocksLike {
  private held = new Set<string>();
  private queues = new Map<string, Waiter[]>();

  request(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => Promise<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { callback, resolve, reject };
      if (!this.held.has(name)) return this.grant(name, waiter);
      if (options.ifAvailable) {
        void callback(null).then(resolve, reject);
        return;
      }
      const queue = this.queues.get(name) ?? [];
      queue.push(waiter);
      this.queues.set(name, queue);
      options.signal?.addEventListener('abort', () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) {
          queue.splice(index, 1);
          reject(new DOMException('aborted', 'AbortError'));
        }
      });
    });
  }

  isHeld(name: string): boolean {
    return this.held.has(name);
  }

  private grant(name: string, waiter: Waiter): void {
    this.held.add(name);
    const lock = { name };
    void Promise.resolve()
      .then(() => waiter.callback(lock))
      .then(waiter.resolve, waiter.reject)
      .finally(() => {
        this.held.delete(name);
        const next = this.queues.get(name)?.shift();
        if (next) this.grant(name, next);
      });
  }
}
