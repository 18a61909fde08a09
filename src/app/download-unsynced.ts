/**
 * `Export unsynced work`: the pending changes (src/sync/unsynced-export.ts)
 * saved as a JSON file through the browser's download. Resolves with how
 * many changes the file holds.
 */
import { collectUnsynced, exportFileName } from '../sync/watermelon/unsynced-export';
import type { AppClient } from '../web/app-client';

export async function downloadUnsynced(client: AppClient): Promise<number> {
  const now = Date.now();
  const { id, email } = client.session.user;
  const doc = await collectUnsynced(client.database, { id, email }, now);
  const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName(now);
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return doc.changes.length;
}
