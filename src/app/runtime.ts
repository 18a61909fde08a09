/**
 * The data layer (WatermelonDB, LokiJS, rxjs, the sync engine, Socket.IO):
 * most of the app's JS, loaded as its own chunk once a session exists or the
 * user starts on the sign-in form, so the signed-out first page paints and
 * answers without it. The service worker precaches it for offline starts.
 */
export { auth } from '../web/auth';
export { createAppClient } from '../web/create-app-client';
export { schemas } from '../web/schemas';
