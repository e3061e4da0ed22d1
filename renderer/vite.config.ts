import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The operator UI builds to static files in `dist/`, which every hub serves at `/` and the desktop
 * app loads from its hub. `npm run dev` proxies the API to a hub given by OUTPOST_HUB_URL.
 */
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  server: {
    // Every API prefix the UI calls, to the hub (its certificate is the hub's own, hence secure: false).
    proxy: Object.fromEntries(
      ['/api', '/devices', '/twins', '/jobs', '/configurations', '/statistics', '/health'].map((prefix) => [
        prefix,
        { target: process.env.OUTPOST_HUB_URL ?? 'https://localhost:8443', secure: false },
      ]),
    ),
  },
});
