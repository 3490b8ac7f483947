import { defineConfig, defaultClientConditions } from 'vite';
import solid from 'vite-plugin-solid';
import tailwindcss from '@tailwindcss/vite';

// `source` resolves the workspace packages (@pulse/protocol, @pulse/client) to their TypeScript
// sources, so the dashboard never needs them prebuilt.
export default defineConfig({
  plugins: [solid(), tailwindcss()],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  server: {
    // `npx vite` in this folder proxies the API and the socket to a `pulse serve` on the default port.
    proxy: { '/api': { target: 'http://127.0.0.1:7655', ws: true } },
  },
  build: { outDir: 'dist', target: 'es2022', emptyOutDir: true, chunkSizeWarningLimit: 300 },
});
