#!/usr/bin/env node
// Bundles pulse-agent into one ESM file that runs with Node >= 20 and nothing else beside it:
// the agent, @pulse/protocol, @pulse/collectors and zod, from their TypeScript sources.
// Usage: node packages/agent/scripts/bundle.mjs [--out FILE] [--minify] [--quiet]
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string' }, minify: { type: 'boolean' }, quiet: { type: 'boolean' } } });
const outFile = resolve(values.out ?? join(pkgDir, 'dist/pulse-agent.mjs'));
const minify = values.minify ?? false;
const quiet = values.quiet ?? false;

mkdirSync(dirname(outFile), { recursive: true });
await build({
  input: join(pkgDir, 'src/cli.ts'),
  platform: 'node',
  // Workspace packages resolve to their TypeScript sources, as in the tests: no tsc run needed first.
  resolve: { conditionNames: ['source', 'node', 'import', 'default'] },
  // The agent never encodes hub frames, so the protocol's msgpack codec (and msgpackr, whose native
  // add-on could not load without node_modules) must not end up in the file: let unused modules go.
  treeshake: { moduleSideEffects: (id) => !/[\\/](msgpackr|msgpackr-extract)[\\/]|[\\/]packages[\\/](protocol|collectors)[\\/]/.test(id) },
  logLevel: quiet ? 'silent' : 'warn',
  output: {
    file: outFile,
    format: 'esm',
    codeSplitting: false,
    minify,
    sourcemap: false,
  },
});

chmodSync(outFile, 0o755);
const bytes = statSync(outFile).size;
// Rolldown keeps the entry's `#!/usr/bin/env node` (src/cli.ts), which makes the file executable.
if (!readFileSync(outFile, 'utf8').startsWith('#!/usr/bin/env node\n')) {
  console.error('[bundle] the bundle lost its #!/usr/bin/env node line');
  process.exit(1);
}
if (!quiet) console.error(`[bundle] ${outFile} ${(bytes / 1024).toFixed(0)} KiB${minify ? ' (minified)' : ''}`);
// A bundle that still imports a package would fail on a machine without node_modules: refuse it here.
const bare = [...readFileSync(outFile, 'utf8').matchAll(/^(?:import|export)\b[^;'"]*?["']([^"']+)["'];?$|\bimport\(\s*["']([^"']+)["']\s*\)/gm)]
  .map((m) => m[1] ?? m[2])
  .filter((spec) => !/^(node:|\.|\/)/.test(spec));
if (bare.length > 0) {
  console.error(`[bundle] the bundle still imports ${[...new Set(bare)].join(', ')}; it would not run on its own`);
  process.exit(1);
}
