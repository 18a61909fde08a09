import { createContext, useContext } from 'react';
import type { Location, Route, Router } from '../router';
import { parseRoute } from '../router';
import { useStore } from './use-store';

export const RouterContext = createContext<Router | null>(null);

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter outside RouterContext');
  return router;
}

export function useLocation(): Location {
  return useStore(useRouter());
}

export function useRoute(): Route {
  return parseRoute(useLocation().pathname);
}
