#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { AgentError, isAgentError } from './agent-error.js';
import type { AgentErrorCode } from './agent-error.js';
import { DEFAULT_CONFIG_PATH, loadConfig } from './config.js';
import { enrol } from './enrol-command.js';
import { createLogger } from './logger.js';
import { startFromConfig } from './run-command.js';
import { AGENT_VERSION } from './version.js';

const USAGE = `Usage:
  pulse-agent run [--config FILE]
  pulse-agent enrol --server URL --token INSTALL_TOKEN [--config FILE] [--ca FILE] [--insecure-tls]
                    [--state-dir DIR] [--docker ENDPOINT|false]
  pulse-agent --version | --help

run     sample this machine (and its containers) and report to the Pulse server; what the
        pulse-agent service runs
enrol   trade an install token (also read from PULSE_AGENT_INSTALL_TOKEN, which keeps it out of
        ps) for this agent's own token and write the config (mode 0600)

  --config FILE       default ${DEFAULT_CONFIG_PATH} (or PULSE_AGENT_CONFIG)
  --ca FILE           trust this CA (or self-signed certificate) for the server
  --insecure-tls      skip certificate checks (testing only)
  --state-dir DIR     spool reports here while the server is unreachable
  --docker ENDPOINT   unix:///var/run/docker.sock, tcp://host:2376, https://host:2376, or "false"

Environment variables PULSE_AGENT_SERVER, PULSE_AGENT_TOKEN, PULSE_AGENT_INTERVAL_MS,
PULSE_AGENT_DOCKER, PULSE_AGENT_STATE_DIR, PULSE_AGENT_CA, PULSE_AGENT_INSECURE_TLS,
PULSE_AGENT_BUFFER_MAX_BYTES, PULSE_AGENT_LOG_LEVEL, … override keys of the config file.

Exit codes: 0 ok, 1 unexpected failure, 2 usage, 69 server unreachable or unusable,
77 token refused (revoked agent or bad install token), 78 bad configuration.`;

const EXIT: Record<AgentErrorCode, number> = {
  'agent.usage': 2,
  'agent.config_missing': 78,
  'agent.config_invalid': 78,
  'agent.server_unreachable': 69,
  'agent.server_timeout': 69,
  'agent.server_error': 69,
  'agent.bad_answer': 69,
  'agent.install_token_invalid': 77,
  'agent.token_refused': 77,
};

/** How long SIGTERM waits for a last send before spooling the rest and exiting. */
const DRAIN_MS = 3000;

async function run(configPath: string): Promise<number> {
  const { config, warnings } = loadConfig(configPath);
  const logger = createLogger({ level: config.logLevel });
  for (const warning of warnings) logger.warn({}, warning);
  const agent = await startFromConfig(config, logger);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without waiting');
        resolve(1);
        return;
      }
      stopping = true;
      logger.info({ signal }, 'stopping: sending what waits, spooling the rest');
      setTimeout(() => {
        logger.error({}, 'stopping took over 10 s; exiting anyway');
        resolve(1);
      }, 10_000).unref();
      agent.stop(DRAIN_MS).then(() => resolve(0), (err: unknown) => {
        logger.error({ err }, 'stopping failed');
        resolve(1);
      });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => logger.info({}, 'SIGHUP: the agent reads its config only at start; restart it to apply changes'));
    void agent.refused.then(() => {
      void agent.stop(0).finally(() => resolve(77));
    });
  });
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' },
        config: { type: 'string' }, server: { type: 'string' }, token: { type: 'string' }, ca: { type: 'string' },
        'insecure-tls': { type: 'boolean' }, 'state-dir': { type: 'string' }, docker: { type: 'string' },
        'proc-root': { type: 'string' }, 'sys-root': { type: 'string' },
      },
    });
  } catch (err) {
    throw new AgentError('agent.usage', (err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    console.log(AGENT_VERSION);
    return 0;
  }
  const command = positionals.join(' ');
  if (values.help || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const configPath = values.config ?? process.env.PULSE_AGENT_CONFIG ?? DEFAULT_CONFIG_PATH;
  switch (command) {
    case 'run':
      return run(configPath);
    case 'enrol':
    case 'enroll': {
      const server = values.server ?? process.env.PULSE_AGENT_SERVER;
      const installToken = values.token ?? process.env.PULSE_AGENT_INSTALL_TOKEN;
      if (!server) throw new AgentError('agent.usage', 'enrol needs --server URL');
      if (!installToken) throw new AgentError('agent.usage', 'enrol needs --token INSTALL_TOKEN (or PULSE_AGENT_INSTALL_TOKEN)');
      const docker = values.docker === undefined ? undefined : /^(false|off|no)$/i.test(values.docker) ? false : values.docker;
      const { agentId, intervalMs } = await enrol({
        server, installToken, configPath,
        ...(values.ca === undefined ? {} : { ca: values.ca }),
        ...(values['insecure-tls'] ? { insecureTls: true } : {}),
        ...(values['state-dir'] === undefined ? {} : { stateDir: values['state-dir'] }),
        ...(docker === undefined ? {} : { docker }),
        ...(values['proc-root'] === undefined ? {} : { procRoot: values['proc-root'] }),
        ...(values['sys-root'] === undefined ? {} : { sysRoot: values['sys-root'] }),
      });
      console.log(`enrolled as agent ${agentId} (interval ${intervalMs} ms); config written to ${configPath}`);
      return 0;
    }
    case '':
      throw new AgentError('agent.usage', 'no command given');
    default:
      throw new AgentError('agent.usage', `unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (isAgentError(err)) {
      console.error(`pulse-agent: ${err.message}`);
      if (err.code === 'agent.usage') console.error(`\n${USAGE}`);
      process.exit(EXIT[err.code]);
    }
    console.error('pulse-agent: unexpected failure:', err);
    process.exit(1);
  },
);
