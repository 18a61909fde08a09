/** An in-memory BroadcastChannel: every channel joined to a hub hears the others' posts, in order. */
import type { ChannelLike } from '../tab-channel';

export class TabHub {
  private members = new Set<ChannelLike>();
  /** Every message posted, in order, for assertions. */
  readonly log: unknown[] = [];

  join(): ChannelLike {
    const channel: ChannelLike = {
      onmessage: null,
      postMessage: (message: unknown) => {
        this.log.push(message);
        for (const member of this.members) {
          if (member === channel) continue;
          const copy = structuredClone(message);
          setTimeout(() => member.onmessage?.({ data: copy }), 0);
        }
      },
      close: () => {
        this.members.delete(channel);
      },
    };
    this.members.add(channel);
    return channel;
  }
}
