/**
 * Where the signed-in session is kept (localStorage). A module of its own:
 * the app's first page checks for a session before it loads the data layer.
 */
export const SESSION_KEY = 'aideepref.session';
