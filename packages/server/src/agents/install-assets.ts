import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/agent beside this package, from src/agents (tests) and dist/agents (built) alike. */
export const defaultAgentAssetsDir = (): string => fileURLToPath(new URL('../../../agent', import.meta.url));

/**
 * Values the installer gets baked in are URLs and tokens; allowing only characters that mean nothing
 * inside single or double quotes keeps the script safe however the template quotes them.
 */
const SHELL_SAFE = /^[A-Za-z0-9._~:/@%+=[\]-]+$/;

export function renderInstallScript(template: string, server: string, token: string): string {
  for (const [what, value] of [['server URL', server], ['install token', token]]) {
    if (!SHELL_SAFE.test(value!)) throw new Error(`the ${what} has characters that are not safe in a shell script`);
  }
  return template.replaceAll('__PULSE_SERVER__', server).replaceAll('__PULSE_INSTALL_TOKEN__', token);
}

const isMissing = (err: unknown) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '');

/**
 * The installer template (`install/install.sh`) and the bundled agent (`dist/pulse-agent.mjs`) from
 * the agent package's directory. The bundle is read again only when its file changes.
 */
export function createInstallAssets(dir: () => string) {
  let cached: { path: string; mtimeMs: number; size: number; data: Buffer; sha256: string } | undefined;
  return {
    async installScript(server: string, token: string): Promise<string | undefined> {
      let template: string;
      try {
        template = await readFile(join(dir(), 'install', 'install.sh'), 'utf8');
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
      return renderInstallScript(template, server, token);
    },
    async bundle(): Promise<{ data: Buffer; sha256: string } | undefined> {
      const path = join(dir(), 'dist', 'pulse-agent.mjs');
      try {
        const info = await stat(path);
        if (cached?.path !== path || cached.mtimeMs !== info.mtimeMs || cached.size !== info.size) {
          const data = await readFile(path);
          cached = { path, mtimeMs: info.mtimeMs, size: info.size, data, sha256: createHash('sha256').update(data).digest('hex') };
        }
        return cached;
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
  };
}
export type InstallAssets = ReturnType<typeof createInstallAssets>;
