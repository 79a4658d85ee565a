import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The app is served by the Qalqan server at `/` under a strict CSP (script-src 'self'), so the
// build must not inline scripts: Vite emits the entry and its CSS as files, and the module
// preload polyfill is off because the browsers we support have native modulepreload.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
    // Read by scripts/check-first-load.mjs to size what a first visit downloads.
    manifest: true,
  },
  server: {
    // `npm run dev -w web` talks to a local `qalqan serve` on its default port.
    proxy: Object.fromEntries(
      ['/v1', '/ledger', '/docs', '/openapi.json', '/healthz', '/readyz'].map((prefix) => [
        prefix,
        'http://127.0.0.1:8080',
      ]),
    ),
  },
});
