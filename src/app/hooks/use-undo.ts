import { createContext, useContext } from 'react';
import type { UndoStore } from '../undo-store';

/** The signed-in screens' one Undo offer (undo-store.ts). */
export const UndoContext = createContext<UndoStore | null>(null);

export function useUndo(): UndoStore {
  const undo = useContext(UndoContext);
  if (!undo) throw new Error('useUndo outside UndoContext');
  return undo;
}
