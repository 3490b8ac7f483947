import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/index.js';
import { createStateStore, openDatabase, type StateStore } from '../store/index.js';
import { createMonitorService, type MonitorService } from './monitor-service.js';
import { applyMonitorsFile } from './monitors-file.js';

describe('the declarative monitors file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-monitors-file-'));
  let store: StateStore;
  let service: MonitorService;
  const names = async () => (await service.list()).map((m) => `${m.name}:${m.managedBy}`).sort();
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    store = createStateStore(await openDatabase({ dataDir: dir }));
    service = createMonitorService({ store, now: Date.now });
    await service.create({ type: 'tcp', name: 'made-in-ui', host: 'db.lan', port: 5432 }, 'user:u1');
  });
  afterAll(() => store?.close());

  it('creates and updates its monitors by name, removes the ones it no longer lists, and leaves UI-made ones alone', async () => {
    const yaml = write('monitors.yaml', [
      'monitors:',
      '  - { type: http, name: shop, url: "https://shop.test/", intervalS: 30 }',
      '  - type: tcp',
      '    name: mail',
      '    host: mail.lan',
      '    port: 25',
    ].join('\n'));
    expect(await applyMonitorsFile(yaml, service)).toEqual({ created: 2, updated: 0, unchanged: 0, removed: 0 });
    expect(await names()).toEqual(['made-in-ui:ui', 'mail:file', 'shop:file']);
    expect(await applyMonitorsFile(yaml, service)).toEqual({ created: 0, updated: 0, unchanged: 2, removed: 0 });
    const json = write('monitors.json', JSON.stringify({ monitors: [{ type: 'http', name: 'shop', url: 'https://shop.test/', intervalS: 60 }] }));
    expect(await applyMonitorsFile(json, service)).toEqual({ created: 0, updated: 1, unchanged: 0, removed: 1 });
    expect(await names()).toEqual(['made-in-ui:ui', 'shop:file']);
    expect((await service.list()).find((m) => m.name === 'shop')?.intervalS).toBe(60);
    expect((await store.audit.recent(10)).some((e) => e.actor === 'config:monitors.file' && e.action === 'monitor.delete')).toBe(true);
  });

  it.each([
    ['a bad field', 'bad.yaml', 'monitors:\n  - { type: http, name: shop, url: "https://shop.test/" }\n  - { type: http, name: api, url: "ftp://api.test" }\n', /bad\.yaml: monitors\.1 \("api"\): url/],
    ['a name used twice', 'twice.json', JSON.stringify({ monitors: [{ type: 'push', name: 'a' }, { type: 'push', name: 'a' }] }), /monitors\.1 \("a"\): name: also used by monitors\.0/],
    ['a name a UI monitor has', 'ui.yaml', 'monitors:\n  - { type: tcp, name: made-in-ui, host: x.lan, port: 1 }\n', /monitors\.0 \("made-in-ui"\): name: .*made in the UI/],
    ['YAML that does not parse', 'broken.yaml', 'monitors: [ { type: http', /broken\.yaml is not valid YAML/],
    ['no monitors list', 'empty.yml', 'checks: []\n', /must hold `monitors:`/],
    ['another extension', 'monitors.toml', 'monitors = []', /must end in \.yaml, \.yml or \.json/],
  ])('refuses %s with a ConfigError naming the key, the file and the place, deleting nothing', async (_what, name, text, message) => {
    const before = await names();
    const file = write(name, text);
    const error = await applyMonitorsFile(file, service).then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('config key "monitors.file"');
    expect((error as Error).message).toMatch(message);
    expect(await names()).toEqual(before);
  });

  it('names a file it cannot read', async () => {
    await expect(applyMonitorsFile(join(dir, 'absent.yaml'), service)).rejects.toThrow(/absent\.yaml cannot be read/);
  });
});
