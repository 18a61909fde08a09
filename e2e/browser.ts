/** How the e2e suite drives the system Chromium; shared by the config and persistent-context tests. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export const launchOptions = { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS };
