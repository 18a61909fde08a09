import { useEffect } from 'react';

/** Each view names the tab (and the history entry) after itself. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} - AiDeepRef` : 'AiDeepRef';
  }, [title]);
}
