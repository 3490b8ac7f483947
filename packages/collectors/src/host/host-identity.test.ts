import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readDmiUuid, readMachineId } from './host-identity.js';

const fixtures = fileURLToPath(new URL('fixtures', import.meta.url));
const roots: string[] = [];
afterEach(() => { for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true }); });

function sysWithUuid(content: string): string {
  const root = mkdtempSync(join(tmpdir(), 'pulse-dmi-'));
  roots.push(root);
  mkdirSync(join(root, 'class/dmi/id'), { recursive: true });
  writeFileSync(join(root, 'class/dmi/id/product_uuid'), content);
  return root;
}

describe('host identity', () => {
  it('reads the DMI product UUID, lower-cased', () => {
    expect(readDmiUuid(join(fixtures, 'proxmox/sys'))).toBe('4c4c4544-0032-3510-8052-b4c04f4d3332');
    expect(readDmiUuid(sysWithUuid('4C4C4544-0032-3510-8052-B4C04F4D3332\n'))).toBe('4c4c4544-0032-3510-8052-b4c04f4d3332');
  });

  it('has no DMI UUID when the file is missing (containers, ARM boards) or cannot be read', () => {
    expect(readDmiUuid(join(fixtures, 'docker-container/sys'))).toBeUndefined();
    // Unprivileged readers get EACCES (the file is 0400 root); a directory in its place fails alike.
    const root = sysWithUuid('');
    rmSync(join(root, 'class/dmi/id/product_uuid'));
    mkdirSync(join(root, 'class/dmi/id/product_uuid'));
    expect(readDmiUuid(root)).toBeUndefined();
  });

  it('ignores firmware placeholders and text that is not a UUID', () => {
    expect(readDmiUuid(sysWithUuid('03000200-0400-0500-0006-000700080009\n'))).toBeUndefined();
    expect(readDmiUuid(sysWithUuid('00000000-0000-0000-0000-000000000000\n'))).toBeUndefined();
    expect(readDmiUuid(sysWithUuid('Not Settable\n'))).toBeUndefined();
  });

  it('takes the first valid machine id, e.g. D-Bus\'s on a pre-systemd host', () => {
    const old = join(fixtures, 'old-kernel');
    expect(readMachineId([join(old, 'etc/machine-id'), join(old, 'var/lib/dbus/machine-id')])).toBe('0f1e2d3c4b5a69788796a5b4c3d2e1f0');
  });
});
