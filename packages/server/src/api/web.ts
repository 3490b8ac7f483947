import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.js';

/**
 * Serves the built dashboard and answers every other non-API GET with index.html, so client-side
 * routes survive a reload. Unknown /api paths stay JSON 404s.
 */
export async function registerWeb(app: FastifyInstance, webRoot: string | undefined): Promise<void> {
  const hasWeb = webRoot !== undefined && existsSync(join(webRoot, 'index.html'));
  if (hasWeb) {
    // wildcard: files are looked up per request, so a rebuilt dashboard is served without a restart;
    // preCompressed: the build writes .br/.gz beside each asset, so nothing is compressed per request.
    await app.register(fastifyStatic, { root: webRoot, wildcard: true, preCompressed: true, index: false, cacheControl: false, setHeaders: (res, path) => {
      // Vite puts a content hash in asset names: cache those forever, never index.html.
      res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    } });
    // The root is a directory to the static plugin (403 without an index); it is the dashboard.
    app.get('/', { config: { access: 'public' } }, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (request.method !== 'GET' || path.startsWith('/api/') || path === '/api' || path === '/metrics' || /\.[a-z0-9]+$/i.test(path)) {
      throw new AppError(404, 'route.not_found', `No route for ${request.method} ${path}.`);
    }
    if (!hasWeb) {
      return reply.code(503).type('text/plain').send('The dashboard has not been built. Run `npm start` (or `npm run build`) from the repository root.');
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
