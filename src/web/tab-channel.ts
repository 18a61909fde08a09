/**
 * The tab channel port: how the tabs of one user's app talk. In the browser a
 * BroadcastChannel; in tests an in-memory hub. Messages posted by a tab also
 * reach that tab's own subscribers (loopback): a tab that took over as the
 * writer keeps talking to its own writer exactly as it talked to the old one.
 */
import { isTabEnvelope, TAB_PROTOCOL_VERSION, type TabEnvelope, type TabMessage } from './tab-messages';

export interface TabChannel {
  /** Delivers to every tab of this channel, this one included, in the order posted; never synchronously. */
  post(message: TabMessage): void;
  subscribe(listener: (message: TabEnvelope) => void): () => void;
  close(): void;
}

/** Minimal BroadcastChannel shape (also what the test hub implements). */
export interface ChannelLike {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

export function channelNameFor(userId: string): string {
  return `aideepref-tabs-${userId}`;
}

export function createTabChannel(channel: ChannelLike): TabChannel {
  const listeners = new Set<(message: TabEnvelope) => void>();
  let closed = false;
  const deliver = (data: unknown) => {
    if (closed || !isTabEnvelope(data)) return;
    for (const listener of [...listeners]) listener(data);
  };
  channel.onmessage = (event) => deliver(event.data);
  return {
    post(message) {
      if (closed) return;
      const envelope = { ...message, v: TAB_PROTOCOL_VERSION } as TabEnvelope;
      channel.postMessage(envelope);
      // Loopback, asynchronous like the real channel; structuredClone so no one shares objects.
      const copy = structuredClone(envelope);
      queueMicrotask(() => deliver(copy));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      listeners.clear();
      channel.onmessage = null;
      channel.close();
    },
  };
}

export function openBroadcastTabChannel(userId: string): TabChannel {
  return createTabChannel(new BroadcastChannel(channelNameFor(userId)) as unknown as ChannelLike);
}
