import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { precompress } from './scripts/precompress.mts';

const THEME = '#4338ca';

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      // The app registers the worker itself with workbox-window (src/app/sw-registration.ts).
      injectRegister: false,
      registerType: 'prompt',
      injectManifest: {
        rollupFormat: 'iife',
        // The manifest and its icons are added by the plugin itself (includeManifestIcons).
        globPatterns: ['**/*.{js,css,html}'],
        // The first-page bundle (React + WatermelonDB + rxjs) is larger than Workbox's 2 MB default.
        maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
      },
      includeAssets: ['apple-touch-icon.png'],
      manifest: {
        id: '/',
        name: 'AiDeepRef - reference checks',
        short_name: 'AiDeepRef',
        description: 'Ask former managers for references, even offline.',
        lang: 'en',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f8fafc',
        theme_color: THEME,
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // Real captures of the app (scripts/make-screenshots.ts): Chrome's richer install dialog shows them.
        screenshots: [
          { src: '/screenshots/wide.png', sizes: '1280x800', type: 'image/png', form_factor: 'wide', label: 'My references: requests and where each stands' },
          { src: '/screenshots/narrow.png', sizes: '390x844', type: 'image/png', form_factor: 'narrow', label: 'Requests for me, on a phone' },
        ],
        shortcuts: [
          { name: 'Request a reference', short_name: 'Request', url: '/references#request', icons: [{ src: '/icon-192.png', sizes: '192x192', type: 'image/png' }] },
          { name: 'Requests for me', short_name: 'Inbox', url: '/inbox', icons: [{ src: '/icon-192.png', sizes: '192x192', type: 'image/png' }] },
        ],
      },
      devOptions: { enabled: false },
    }),
    // Last: after the service worker is written, so sw.js gets its compressed copies too.
    precompress(),
  ],
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
      // Socket.IO behind the dev server needs the WebSocket upgrade proxied too.
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
  build: {
    target: 'es2022',
    // Maps for local debugging only: no sourceMappingURL in the served files, and the server refuses *.map.
    sourcemap: 'hidden',
    // One app chunk is deliberate: it is precached whole, and React + WatermelonDB + rxjs make it ~200 KB gzipped.
    chunkSizeWarningLimit: 1_000,
  },
});
