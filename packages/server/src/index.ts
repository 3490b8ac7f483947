export { startPulse, type PulseOptions, type RunningPulse } from './main.js';
export { loadConfig, ConfigError, type Config } from './config/index.js';
