/**
 * A reproducible mix of containers for benchmarks and the CLI: compose stacks of three services,
 * every fifth one with a health check, every tenth one exited, rates varied but hand-computable.
 * @param {number} count
 * @returns {import('./sim-container.mjs').ContainerSpec[]}
 */
export function simulatedFleet(count) {
  return Array.from({ length: count }, (_, i) => {
    const project = `stack${Math.floor(i / 3)}`;
    const service = ['web', 'api', 'db'][i % 3];
    return {
      name: `${project}-${service}-1`,
      image: service === 'db' ? 'postgres:16' : service === 'api' ? 'node:20-alpine' : 'nginx:1.27-alpine',
      state: i % 10 === 9 ? 'exited' : 'running',
      exitCode: i % 10 === 9 ? 137 : 0,
      health: i % 5 === 0 ? 'healthy' : undefined,
      labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': service },
      ports: service === 'web' ? [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8000 + i, Type: 'tcp' }] : [],
      cpuPerSec: 10_000_000 * (1 + (i % 20)),
      networks: { eth0: { rxPerSec: 1000 * (1 + (i % 7)), txPerSec: 500 * (1 + (i % 5)) } },
      disks: { '8:0': { readPerSec: 4096 * (i % 4), writePerSec: 8192 * (i % 3) } },
      memory: { usage: (50 + i) * 1024 * 1024, inactiveFile: (10 + (i % 10)) * 1024 * 1024, limit: 512 * 1024 * 1024 },
      pids: 2 + (i % 30),
    };
  });
}
