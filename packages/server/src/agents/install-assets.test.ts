import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createInstallAssets, renderInstallScript } from './install-assets.js';

describe('install assets', () => {
  it('bakes the server URL and token into every placeholder of the template', () => {
    const script = renderInstallScript("#!/bin/sh\nSERVER='__PULSE_SERVER__'\nTOKEN=\"__PULSE_INSTALL_TOKEN__\"\necho __PULSE_SERVER__\n", 'https://[::1]:7655', 'pulse_install_0011223344556677.abc-DEF_123');
    expect(script).toBe("#!/bin/sh\nSERVER='https://[::1]:7655'\nTOKEN=\"pulse_install_0011223344556677.abc-DEF_123\"\necho https://[::1]:7655\n");
  });

  it.each(["http://x'; rm -rf /", 'http://$(id)', 'http://a b', 'http://`id`', 'http://a\\b'])('refuses to bake in %s', (server) => {
    expect(() => renderInstallScript('__PULSE_SERVER__', server, 'pulse_install_0011223344556677.abc')).toThrow(/not safe/);
  });

  it('reads the template and the bundle from the agent directory, the bundle again only when it changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-agent-assets-'));
    const assets = createInstallAssets(() => dir);
    expect(await assets.installScript('http://pulse:7655', 'pulse_install_0011223344556677.abc')).toBeUndefined();
    expect(await assets.bundle()).toBeUndefined();
    mkdirSync(join(dir, 'install'));
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'install', 'install.sh'), 'S=__PULSE_SERVER__');
    writeFileSync(join(dir, 'dist', 'pulse-agent.mjs'), 'console.log(1)');
    expect(await assets.installScript('http://pulse:7655', 'pulse_install_0011223344556677.abc')).toBe('S=http://pulse:7655');
    const first = await assets.bundle();
    expect(first!.sha256).toBe(createHash('sha256').update('console.log(1)').digest('hex'));
    writeFileSync(join(dir, 'dist', 'pulse-agent.mjs'), 'console.log(22)');
    expect((await assets.bundle())!.sha256).not.toBe(first!.sha256);
  });
});
