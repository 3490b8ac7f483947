/* What the Apps page tells someone to paste into their application. */

export const TOKEN_PLACEHOLDER = '<a token with apm:report>';

/** The lines that start the SDK, with this Pulse's address and, once made, a real token. */
export function startSnippet(origin: string, token: string = TOKEN_PLACEHOLDER, app = 'shop'): string {
  return [`import { start } from '@pulse/node';`, '', 'const pulse = start({', `  app: '${app}',`, `  endpoint: '${origin}',`, `  token: '${token}',`, '});'].join('\n');
}

export const MIDDLEWARE_SNIPPET = [
  '// Express: mount before your routes',
  'app.use(pulse.express());',
  '',
  '// Fastify',
  'await fastify.register(pulse.fastifyPlugin);',
].join('\n');
