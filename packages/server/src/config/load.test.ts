import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, diffConfig, loadConfig } from './load.js';

const emptyDir = () => mkdtempSync(join(tmpdir(), 'pulse-config-'));

function errorOf(env: Record<string, string>, cwd = emptyDir()): string {
  try {
    loadConfig(env, cwd);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('loadConfig', () => {
  it('uses the defaults when nothing is set', () => {
    const { config, file } = loadConfig({}, emptyDir());
    expect(config.port).toBe(7655);
    expect(config.data_dir).toBe('./data');
    expect(config.local.interval_ms).toBe(2000);
    expect(config.hub.max_frame_bytes).toBe(65536);
    expect(file).toBeUndefined();
  });

  it('layers defaults < pulse.toml < environment', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'pulse.toml'), 'port = 8000\n[local]\ninterval_ms = 5000\n[log]\nlevel = "debug"\n');
    const { config, file } = loadConfig({ PULSE_PORT: '9000' }, dir);
    expect(config.port).toBe(9000);
    expect(config.local.interval_ms).toBe(5000);
    expect(config.log.level).toBe('debug');
    expect(file).toBe(join(dir, 'pulse.toml'));
  });

  it('reads the file named by PULSE_CONFIG and fails when it is missing', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'other.toml'), 'data_dir = "/var/lib/pulse"\n');
    expect(loadConfig({ PULSE_CONFIG: 'other.toml' }, dir).config.data_dir).toBe('/var/lib/pulse');
    expect(errorOf({ PULSE_CONFIG: 'absent.toml' }, dir)).toMatch(/cannot read config file .*absent\.toml/);
  });

  it.each([
    [{ PULSE_PORT: 'abc' }, 'port', '"abc"'],
    [{ PULSE_PORT: '70000' }, 'port', '"70000"'],
    [{ PULSE_LOCAL_INTERVAL_MS: '10' }, 'local.interval_ms', '"10"'],
    [{ PULSE_TRUST_PROXY: 'maybe' }, 'trust_proxy', '"maybe"'],
    [{ PULSE_ALLOWED_ORIGINS: 'not a url' }, 'allowed_origins.0', '"not a url"'],
    [{ PULSE_DATABASE_URL: 'mysql://db' }, 'database_url', '"mysql://db"'],
    [{ PULSE_LOG_LEVEL: 'loud' }, 'log.level', '"loud"'],
    [{ PULSE_HUB_MAX_FRAME_BYTES: '-1' }, 'hub.max_frame_bytes', '"-1"'],
    [{ PULSE_REDIS_URL: 'http://cache:6379' }, 'redis_url', '"http://cache:6379"'],
    [{ PULSE_REDIS_PREFIX: 'has space' }, 'redis_prefix', '"has space"'],
    [{ PULSE_HUB_MAX_CONNECTIONS_PER_IP: '0' }, 'hub.max_connections_per_ip', '"0"'],
    [{ PULSE_HUB_CONNECTION_TOKEN_TTL_SECONDS: '5' }, 'hub.connection_token_ttl_seconds', '"5"'],
    [{ PULSE_MONITORS_CONCURRENCY: '0' }, 'monitors.concurrency', '"0"'],
    [{ PULSE_MONITORS_EVENTS_RETENTION_DAYS: 'forever' }, 'monitors.events_retention_days', '"forever"'],
    [{ PULSE_ALERTS_HISTORY_DAYS: '0' }, 'alerts.history_days', '"0"'],
    [{ PULSE_ALERTS_TICK_MS: '10' }, 'alerts.tick_ms', '"10"'],
    [{ PULSE_PUBLIC_URL: 'ftp://pulse.lan' }, 'public_url', '"ftp://pulse.lan"'],
  ])('names the key, the value and its origin for %o', (env, key, shown) => {
    const message = errorOf(env);
    expect(message).toContain(`config key "${key}"`);
    expect(message).toContain(shown);
    expect(message).toContain(`env ${Object.keys(env)[0]}`);
  });

  it('reads the uptime monitor settings from the environment and pulse.toml, with defaults', () => {
    expect(loadConfig({}, emptyDir()).config.monitors).toEqual({ events_retention_days: 90, concurrency: 200, local_worker: true });
    const dir = emptyDir();
    writeFileSync(join(dir, 'pulse.toml'), '[monitors]\nfile = "monitors.yaml"\nconcurrency = 50\n');
    const { monitors } = loadConfig({ PULSE_MONITORS_LOCAL_WORKER: 'false', PULSE_MONITORS_FILE: '/etc/pulse/monitors.json' }, dir).config;
    expect(monitors).toEqual({ file: '/etc/pulse/monitors.json', events_retention_days: 90, concurrency: 50, local_worker: false });
  });

  it('reads the alert settings and the public URL (trailing slash dropped), with defaults', () => {
    const defaults = loadConfig({}, emptyDir()).config;
    expect(defaults.alerts).toEqual({ history_days: 90, tick_ms: 5000 });
    expect(defaults.public_url).toBeUndefined();
    const dir = emptyDir();
    writeFileSync(join(dir, 'pulse.toml'), 'public_url = "https://pulse.example.com/"\n[alerts]\nhistory_days = 30\n');
    const { config } = loadConfig({ PULSE_ALERTS_TICK_MS: '1000' }, dir);
    expect(config.alerts).toEqual({ history_days: 30, tick_ms: 1000 });
    expect(config.public_url).toBe('https://pulse.example.com');
  });

  it('reads the APM settings from the environment and pulse.toml, with defaults', () => {
    expect(loadConfig({}, emptyDir()).config.apm).toEqual({ redis_poll_ms: 2000, tick_ms: 2000, max_routes_per_app: 200, max_fingerprints_per_app: 100 });
    const dir = emptyDir();
    writeFileSync(join(dir, 'pulse.toml'), '[apm]\nredis_url = "redis://cache:6379"\nmax_routes_per_app = 50\n');
    const { apm } = loadConfig({ PULSE_APM_READ_REDIS: 'false', PULSE_APM_REDIS_PREFIX: 'apps:', PULSE_APM_REDIS_POLL_MS: '500', PULSE_APM_MAX_FINGERPRINTS_PER_APP: '20' }, dir).config;
    expect(apm).toEqual({
      read_redis: false, redis_url: 'redis://cache:6379', redis_prefix: 'apps:', redis_poll_ms: 500, tick_ms: 2000, max_routes_per_app: 50, max_fingerprints_per_app: 20,
    });
    expect(errorOf({ PULSE_APM_REDIS_POLL_MS: '10' })).toContain('config key "apm.redis_poll_ms"');
    expect(errorOf({ PULSE_APM_REDIS_URL: 'http://cache' })).toContain('config key "apm.redis_url"');
    expect(errorOf({ PULSE_APM_MAX_ROUTES_PER_APP: '0' })).toContain('config key "apm.max_routes_per_app"');
  });

  it('names a wrong key in the TOML file with the file it came from', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'pulse.toml'), '[local]\ninterval_ms = "fast"\n');
    const message = errorOf({}, dir);
    expect(message).toContain('config key "local.interval_ms"');
    expect(message).toContain(join(dir, 'pulse.toml'));
  });

  it('refuses unknown keys so a typo is not silently ignored', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'pulse.toml'), 'prot = 80\n');
    expect(errorOf({}, dir)).toMatch(/prot/);
  });

  it('refuses a file that is not TOML', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'pulse.toml'), 'port = = 3\n');
    expect(errorOf({}, dir)).toMatch(/not valid TOML/);
  });

  it('never shows the password of a URL it refuses, nor of one that changed', () => {
    const message = errorOf({ PULSE_REDIS_URL: 'http://:hunter2@cache:6379' });
    expect(message).toContain('config key "redis_url"');
    expect(message).toContain('http://:***@cache:6379');
    expect(message).not.toContain('hunter2');
    const a = loadConfig({}, emptyDir()).config;
    const b = loadConfig({ PULSE_REDIS_URL: 'redis://:hunter2@cache:6379' }, emptyDir()).config;
    expect(diffConfig(a, b, ['redis_url'])).toEqual(['redis_url: changed']);
  });

  it('diffConfig lists only the keys that changed', () => {
    const a = loadConfig({}, emptyDir()).config;
    const b = loadConfig({ PULSE_LOCAL_INTERVAL_MS: '1000', PULSE_PORT: '1' }, emptyDir()).config;
    expect(diffConfig(a, b, ['local.interval_ms', 'log.level'])).toEqual(['local.interval_ms: 2000 -> 1000']);
  });
});
