import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEngine } from '../../../../../tools/docker-sim/index.mjs';
import { ConfigError, loadConfig } from '../../config/index.js';
import { startTestPulse, type TestPulse, waitFor } from '../../../test-support/pulse.js';

const configIn = (toml: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-docker-config-'));
  writeFileSync(join(dir, 'pulse.toml'), toml);
  return dir;
};

describe('docker remotes from the configuration', () => {
  let engine: Awaited<ReturnType<typeof startTestEngine>> | undefined;
  let pulse: TestPulse | undefined;
  afterEach(async () => {
    await pulse?.close();
    await engine?.close();
    pulse = undefined;
    engine = undefined;
  });

  it('watches each [[docker.remotes]] engine: the engine and its containers appear as resources', async () => {
    engine = await startTestEngine({ containers: [{ name: 'web', health: 'healthy' }, { name: 'db' }, { name: 'job', state: 'exited', exitCode: 1 }] });
    const dataDir = configIn(`[[docker.remotes]]\nname = "nas"\nurl = "${engine.url}"\ninterval_ms = 1000\n`);
    pulse = await startTestPulse({ dataDir, env: { PULSE_LOCAL_ENABLED: 'false' } });
    const admin = await pulse.setupAdmin();
    const resources = await waitFor(async () => {
      const body = (await (await fetch(`${pulse!.url}/api/resources`, { headers: { cookie: admin.cookie } })).json()) as { resources: Array<{ id: string; type: string; status: string; parentId?: string }> };
      return body.resources.length >= 4 ? body.resources : undefined;
    }, 'the engine and three containers');
    const byName = Object.fromEntries(resources.map((r) => [r.id, r]));
    expect(byName['docker:nas']).toMatchObject({ type: 'docker-host', status: 'online' });
    expect(byName['docker:nas/web']).toMatchObject({ type: 'app-container', status: 'online', parentId: 'docker:nas' });
    expect(byName['docker:nas/job']).toMatchObject({ status: 'offline' });
  });

  it('stops start-up naming the key: plain tcp without TLS, cert without key, an unreadable certificate, duplicate names', async () => {
    const bad = (toml: string) => () => loadConfig({}, configIn(toml));
    expect(bad('[[docker.remotes]]\nname = "a"\nurl = "tcp://10.0.0.2:2375"\n')).toThrow(/docker\.remotes\.0\.url.*insecure = true/);
    expect(bad('[[docker.remotes]]\nname = "a"\nurl = "https://10.0.0.2:2376"\ncert = "/x.pem"\n')).toThrow(/docker\.remotes\.0\.key.*together/);
    expect(bad('[[docker.remotes]]\nname = "a"\nurl = "unix:///s"\n[[docker.remotes]]\nname = "a"\nurl = "unix:///t"\n')).toThrow(/docker\.remotes.*own name/);
    expect(bad('[[docker.remotes]]\nname = "no spaces"\nurl = "unix:///s"\n')).toThrow(ConfigError);
    const dataDir = configIn('[[docker.remotes]]\nname = "a"\nurl = "https://10.0.0.2:2376"\nca = "/nonexistent/ca.pem"\n');
    await expect(startTestPulse({ dataDir })).rejects.toThrow(/docker\.remotes\.0\.ca: cannot read "\/nonexistent\/ca\.pem" \(ENOENT\)/);
  });
});
