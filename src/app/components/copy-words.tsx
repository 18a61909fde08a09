import { useState } from 'react';

/** Words the app cannot put anywhere any more (their request is gone): to the clipboard in one click. */
export function CopyWords({ words }: { words: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(words);
      setState('copied');
    } catch {
      setState('failed');
    }
  }
  return (
    <>
      <button type="button" className="button button--small" onClick={() => void copy()}>
        Copy my words
      </button>
      <p className="reference__note" role="status">
        {state === 'copied' ? 'Copied.' : state === 'failed' ? 'This browser did not allow copying: select the words above instead.' : ''}
      </p>
    </>
  );
}
