#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tokenCreate, userAdd } from './cli/commands.js';
import { applyHeapPolicy } from './cli/heap-policy.js';
import { dbStats } from './cli/db-stats.js';
import { USAGE, UsageError } from './cli/usage.js';
import { ConfigError, loadConfig } from './config/index.js';
import { startDemo } from './demo.js';
import { startPulse } from './main.js';
import { startWorkerProcess, WORKER_DRAIN_MS } from './monitors/schedule/worker-process.js';
import { createLogger } from './observability/logger.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

async function serve(demoMode: boolean): Promise<void> {
  let loaded = loadConfig();
  applyHeapPolicy(loaded.config.memory.heap_growth_percent);
  const logger = createLogger(loaded.config.log.level);
  if (loaded.file) logger.info({ file: loaded.file }, 'read configuration file');
  const demo = demoMode ? await startDemo(logger) : undefined;
  if (demo) {
    // Loopback only unless asked otherwise, and its own throwaway data directory.
    loaded = loadConfig({ PULSE_HOST: '127.0.0.1', ...process.env, PULSE_DATA_DIR: demo.dataDir });
  }
  const pulse = await startPulse({ config: loaded.config, logger, version });
  await demo?.connect(pulse.connections);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took over 10 s; exiting anyway');
      process.exit(1);
    }, 10_000);
    force.unref();
    pulse.close().then(() => demo?.close()).then(() => process.exit(0), (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    try {
      const next = loadConfig().config;
      const { applied, needRestart } = pulse.reload(next);
      applyHeapPolicy(next.memory.heap_growth_percent);
      logger.info({ applied, needRestart }, applied.length || needRestart.length ? 'configuration reloaded' : 'configuration reloaded; nothing changed');
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'configuration not reloaded: the new values are invalid; keeping the old ones');
    }
  });
  logger.info({ url: pulse.url, port: pulse.port, database: pulse.database }, 'Pulse is serving');
}

/** `pulse worker`: runs uptime checks from the Redis queue the servers fill (issue 7). */
async function worker(name: string | undefined): Promise<number> {
  const { config } = loadConfig();
  applyHeapPolicy(config.memory.heap_growth_percent);
  if (!config.redis_url) {
    console.error('pulse: `pulse worker` takes its checks from Redis: set redis_url (PULSE_REDIS_URL) to the URL the servers use');
    return 78;
  }
  const logger = createLogger(config.log.level);
  const running = await startWorkerProcess({
    redisUrl: config.redis_url, redisPrefix: config.redis_prefix, concurrency: config.monitors.concurrency, name, logger,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, worker: running.name }, 'finishing running checks, then exiting');
    // every check ends by its hard deadline, so this only fires if Redis never answers
    const force = setTimeout(() => {
      logger.error('running checks did not finish; exiting anyway');
      process.exit(1);
    }, WORKER_DRAIN_MS + 5000);
    force.unref();
    running.close().then(() => process.exit(0), (err: unknown) => {
      logger.error({ err }, 'worker shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return -1;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' },
      name: { type: 'string' }, scopes: { type: 'string' }, user: { type: 'string' }, 'expires-days': { type: 'string' },
      username: { type: 'string' }, password: { type: 'string' }, 'password-stdin': { type: 'boolean' }, role: { type: 'string' },
      json: { type: 'boolean' }, demo: { type: 'boolean' },
    },
  });
  if (values.version) {
    console.log(version);
    return 0;
  }
  const command = positionals.join(' ');
  if (values.help || command === '' || command === 'help') {
    console.log(USAGE);
    return command === '' && !values.help ? 2 : 0;
  }
  switch (command) {
    case 'serve':
      await serve(values.demo === true);
      return -1;
    case 'worker':
      return worker(values.name);
    case 'token create':
      console.log(await tokenCreate(loadConfig().config, values));
      return 0;
    case 'user add':
      console.log(await userAdd(loadConfig().config, values));
      return 0;
    case 'db stats':
      console.log(await dbStats(loadConfig().config, values));
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exitCode = code;
}, (err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`pulse: invalid configuration:\n${err.message}`);
    process.exitCode = 78;
  } else if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`pulse: ${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(`pulse: ${(err as Error).stack ?? String(err)}`);
    process.exitCode = 1;
  }
});
