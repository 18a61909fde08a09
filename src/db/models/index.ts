import { Reference } from './Reference';
import { SyncMetadata } from './SyncMetadata';
import { SyncQueueItem } from './SyncQueueItem';
import { User } from './User';

export { Reference, SyncMetadata, SyncQueueItem, User };
export type { OutboxOperation, OutboxStatus } from './SyncQueueItem';

export const modelClasses = [User, Reference, SyncQueueItem, SyncMetadata];
