import type { AgentReport, AgentResource } from '@pulse/protocol';
import { agentReport } from '../../packages/server/test-support/agent-reports.ts';

/*
 * A made-up machine, "edge-1", and the 30 containers it runs, as pulse-agent would report them: the
 * host collector's metric and detail names, the Docker collector's container shape (see
 * packages/collectors/src/docker/container-resource.ts). Figures move with time so charts and
 * sparklines have something to draw; rates are missing from the first report, as the collector does.
 */

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type Kind = 'healthy' | 'running' | 'unhealthy' | 'exited-ok' | 'exited-fail' | 'oom' | 'restarting' | 'paused' | 'created';

interface Spec {
  name: string;
  image: string;
  project?: string;
  service?: string;
  kind: Kind;
  /** typical CPU % of one core */
  cpu?: number;
  /** typical memory in MiB, and the limit */
  mem?: number;
  limit?: number;
  ports?: AgentPort[];
  restarts?: number;
  collectError?: string;
  upHours?: number;
}
type AgentPort = { privatePort: number; publicPort?: number; ip?: string; type: string };

const published = (pub: number, priv: number): AgentPort[] => [
  { privatePort: priv, publicPort: pub, ip: '0.0.0.0', type: 'tcp' },
  { privatePort: priv, publicPort: pub, ip: '::', type: 'tcp' },
];

export const EDGE_CONTAINERS: Spec[] = [
  { name: 'shop-web-1', image: 'nginx:1.27-alpine', project: 'shop', service: 'web', kind: 'healthy', cpu: 3, mem: 24, limit: 256, ports: published(8080, 80), upHours: 71 },
  { name: 'shop-api-1', image: 'ghcr.io/acme/shop-api:2.4.1', project: 'shop', service: 'api', kind: 'unhealthy', cpu: 38, mem: 410, limit: 1024, ports: [{ privatePort: 3000, type: 'tcp' }], restarts: 3, upHours: 0.4 },
  { name: 'shop-worker-1', image: 'ghcr.io/acme/shop-api:2.4.1', project: 'shop', service: 'worker', kind: 'running', cpu: 22, mem: 300, limit: 1024, upHours: 71 },
  { name: 'shop-worker-2', image: 'ghcr.io/acme/shop-api:2.4.1', project: 'shop', service: 'worker', kind: 'running', cpu: 19, mem: 290, limit: 1024, upHours: 71 },
  { name: 'shop-db-1', image: 'postgres:16.4', project: 'shop', service: 'db', kind: 'healthy', cpu: 12, mem: 880, limit: 2048, ports: [{ privatePort: 5432, type: 'tcp' }], upHours: 240 },
  { name: 'shop-cache-1', image: 'redis:7.4', project: 'shop', service: 'cache', kind: 'healthy', cpu: 2, mem: 64, limit: 512, upHours: 240 },
  { name: 'shop-migrate-1', image: 'ghcr.io/acme/shop-api:2.4.1', project: 'shop', service: 'migrate', kind: 'exited-ok' },
  { name: 'grafana', image: 'grafana/grafana:11.2.0', project: 'monitoring', service: 'grafana', kind: 'healthy', cpu: 4, mem: 180, limit: 512, ports: published(3001, 3000), upHours: 500 },
  { name: 'prometheus', image: 'prom/prometheus:v2.54.1', project: 'monitoring', service: 'prometheus', kind: 'running', cpu: 9, mem: 620, limit: 2048, ports: published(9090, 9090), upHours: 500, collectError: 'stats did not answer within 5 s; figures are from the previous sample' },
  { name: 'node-exporter', image: 'prom/node-exporter:v1.8.2', project: 'monitoring', service: 'node-exporter', kind: 'running', cpu: 1, mem: 18, limit: 128, upHours: 500 },
  { name: 'loki', image: 'grafana/loki:3.1.1', project: 'monitoring', service: 'loki', kind: 'restarting', restarts: 14 },
  { name: 'promtail', image: 'grafana/promtail:3.1.1', project: 'monitoring', service: 'promtail', kind: 'running', cpu: 2, mem: 45, limit: 256, upHours: 500 },
  { name: 'jellyfin', image: 'jellyfin/jellyfin:10.9.11', project: 'media', service: 'jellyfin', kind: 'healthy', cpu: 65, mem: 1400, limit: 4096, ports: published(8096, 8096), upHours: 90 },
  { name: 'sonarr', image: 'lscr.io/linuxserver/sonarr:4.0.9', project: 'media', service: 'sonarr', kind: 'running', cpu: 3, mem: 210, limit: 1024, ports: published(8989, 8989), upHours: 90 },
  { name: 'radarr', image: 'lscr.io/linuxserver/radarr:5.11.0', project: 'media', service: 'radarr', kind: 'running', cpu: 2, mem: 230, limit: 1024, ports: published(7878, 7878), upHours: 90 },
  { name: 'prowlarr', image: 'lscr.io/linuxserver/prowlarr:1.24.3', project: 'media', service: 'prowlarr', kind: 'paused', mem: 120, limit: 512 },
  { name: 'qbittorrent', image: 'lscr.io/linuxserver/qbittorrent:4.6.7', project: 'media', service: 'qbittorrent', kind: 'running', cpu: 14, mem: 520, limit: 2048, ports: published(8081, 8080), upHours: 12 },
  { name: 'homeassistant', image: 'ghcr.io/home-assistant/home-assistant:2024.10', project: 'home', service: 'homeassistant', kind: 'healthy', cpu: 6, mem: 460, limit: 2048, upHours: 330 },
  { name: 'mosquitto', image: 'eclipse-mosquitto:2.0.18', project: 'home', service: 'mqtt', kind: 'running', cpu: 0.4, mem: 9, limit: 64, ports: published(1883, 1883), upHours: 330 },
  { name: 'zigbee2mqtt', image: 'koenkk/zigbee2mqtt:1.40.2', project: 'home', service: 'zigbee', kind: 'running', cpu: 1.5, mem: 110, limit: 512, upHours: 330 },
  { name: 'nodered', image: 'nodered/node-red:4.0.3', project: 'home', service: 'nodered', kind: 'unhealthy', cpu: 8, mem: 190, limit: 512, ports: published(1880, 1880), restarts: 1, upHours: 2 },
  { name: 'traefik', image: 'traefik:v3.1', kind: 'healthy', cpu: 2.5, mem: 60, limit: 256, ports: [...published(80, 80), ...published(443, 443)], upHours: 800 },
  { name: 'portainer', image: 'portainer/portainer-ce:2.21.2', kind: 'running', cpu: 0.8, mem: 40, limit: 256, ports: published(9443, 9443), upHours: 800 },
  { name: 'watchtower', image: 'containrrr/watchtower:1.7.1', kind: 'running', cpu: 0.1, mem: 12, limit: 64, upHours: 800 },
  { name: 'uptime-kuma', image: 'louislam/uptime-kuma:1.23.15', kind: 'healthy', cpu: 3, mem: 130, limit: 512, ports: published(3002, 3001), upHours: 800 },
  { name: 'vaultwarden', image: 'vaultwarden/server:1.32.1', kind: 'healthy', cpu: 0.3, mem: 28, limit: 256, upHours: 800 },
  { name: 'pihole', image: 'pihole/pihole:2024.07.0', kind: 'healthy', cpu: 1.2, mem: 85, limit: 256, ports: [{ privatePort: 53, publicPort: 53, ip: '0.0.0.0', type: 'udp' }], upHours: 800 },
  { name: 'backup-nightly', image: 'restic/restic:0.17.1', kind: 'exited-ok' },
  { name: 'report-importer', image: 'ghcr.io/acme/importer:0.9.0', kind: 'oom', mem: 512, limit: 512 },
  { name: 'legacy-cron', image: 'ghcr.io/acme/cron:1.2.0', kind: 'exited-fail' },
];

/** A repeatable wobble in [-1, 1] per container, so rows differ and lines move. */
const wave = (t: number, i: number, periodMs = 300_000) => Math.sin((2 * Math.PI * t) / periodMs + i * 1.7);

function container(spec: Spec, i: number, t: number, withRates: boolean): AgentResource {
  const running = spec.kind === 'healthy' || spec.kind === 'running' || spec.kind === 'unhealthy' || spec.kind === 'paused';
  const state = { healthy: 'running', running: 'running', unhealthy: 'running', paused: 'paused', restarting: 'restarting', created: 'created' }[spec.kind as string] ?? 'exited';
  const exitCode = spec.kind === 'oom' ? 137 : spec.kind === 'exited-fail' ? 1 : 0;
  const startedAt = t - (spec.upHours ?? 30) * HOUR;
  const finishedAt = t - (i + 1) * 7 * MINUTE;
  const health = spec.kind === 'healthy' ? 'healthy' : spec.kind === 'unhealthy' ? 'unhealthy' : 'none';
  const status =
    state === 'running' ? `Up ${Math.round(spec.upHours ?? 1)} hours${health === 'none' ? '' : ` (${health})`}`
      : state === 'paused' ? 'Up 3 days (Paused)'
        : state === 'restarting' ? 'Restarting (1) 4 seconds ago'
          : `Exited (${exitCode}) ${Math.round((t - finishedAt) / MINUTE)} minutes ago`;
  const metrics: Record<string, number> = { restarts: spec.restarts ?? 0 };
  if (running && state !== 'paused') {
    const mem = (spec.mem ?? 50) * MIB * (1 + 0.05 * wave(t, i, 300_000));
    const limit = (spec.limit ?? 512) * MIB;
    Object.assign(metrics, {
      cpu: Math.max(0, (spec.cpu ?? 1) * (1 + 0.35 * wave(t, i))),
      'mem.used': Math.round(mem),
      'mem.limit': limit,
      'mem.percent': (mem / limit) * 100,
      pids: 4 + (i % 9) * 3,
    });
    if (withRates) {
      Object.assign(metrics, {
        'net.rx_bps': Math.max(0, (spec.cpu ?? 1) * 22_000 * (1 + 0.5 * wave(t, i + 3))),
        'net.tx_bps': Math.max(0, (spec.cpu ?? 1) * 9_000 * (1 + 0.5 * wave(t, i + 5))),
        'disk.read_bps': Math.max(0, (spec.cpu ?? 1) * 4_000 * (1 + wave(t, i + 7))),
        'disk.write_bps': Math.max(0, (spec.cpu ?? 1) * 12_000 * (1 + 0.6 * wave(t, i + 9))),
      });
    }
  } else if (state === 'paused') {
    Object.assign(metrics, { cpu: 0, 'mem.used': (spec.mem ?? 50) * MIB, 'mem.limit': (spec.limit ?? 512) * MIB, 'mem.percent': ((spec.mem ?? 50) / (spec.limit ?? 512)) * 100, pids: 6 });
  }
  const details: Record<string, unknown> = {
    engineId: (i + 1).toString(16).padStart(2, '0').repeat(32),
    image: spec.image,
    state,
    status,
    health,
    ports: spec.ports ?? [],
    createdAt: t - 40 * 24 * HOUR,
    oomKilled: spec.kind === 'oom',
    exitCode: running ? 0 : exitCode,
    startedAt: state === 'created' ? undefined : startedAt,
    collectError: spec.collectError ?? null,
  };
  if (!running && state !== 'restarting') details.finishedAt = finishedAt;
  if (spec.project) details.composeProject = spec.project;
  if (spec.service) details.composeService = spec.service;
  return {
    id: `docker:edge-1/${spec.name}`,
    type: 'app-container',
    name: spec.name,
    metrics,
    details,
    identity: {},
    tags: spec.project ? [`compose:${spec.project}`] : [],
  };
}

/** edge-1's report number `seq`, sampled at `t` on the agent's clock. */
export function edgeReport(seq: number, t: number, intervalMs: number): AgentReport {
  const base = agentReport({ machineId: 'e'.repeat(32), hostname: 'edge-1' });
  const busy = 34 + 12 * wave(t, 0, 120_000);
  return {
    ...base,
    runId: 'edge-run-0001',
    seq,
    at: t,
    intervalMs,
    agent: { version: '0.3.1', arch: 'x64', node: '22.11.0' },
    host: {
      ...base.host,
      metrics: {
        cpu: busy, 'cpu.user': busy * 0.7, 'cpu.system': busy * 0.22, 'cpu.iowait': busy * 0.05, 'cpu.steal': 0, cores: 8,
        'mem.total': 32 * GIB, 'mem.used': 13.4 * GIB, 'mem.available': 17.1 * GIB, 'mem.free': 4.2 * GIB, 'mem.cached': 13.6 * GIB, 'mem.buffers': 0.8 * GIB,
        'mem.percent': (13.4 / 32) * 100, 'mem.zfs_arc': 4 * GIB, 'swap.total': 4 * GIB, 'swap.used': 0.3 * GIB,
        load1: 2.6 + wave(t, 1), load5: 2.4, load15: 2.2, uptime: 41 * 24 * 3600,
        'net.rx': 6.5 * MIB * (1 + 0.3 * wave(t, 2)), 'net.tx': 2.1 * MIB * (1 + 0.3 * wave(t, 3)),
        'disk.read': 3 * MIB * (1 + wave(t, 4)), 'disk.write': 5 * MIB * (1 + 0.5 * wave(t, 5)), 'disk.percent': 61.3,
        'cpu.ctxt': 48_000, 'cpu.intr': 21_000, 'procs.forks': 35, 'procs.total': 412, 'procs.running': 3,
        'temp.max': 67 + 4 * wave(t, 6), 'temp.cpu': 64 + 4 * wave(t, 6),
        'psi.cpu.some': 3.2 + wave(t, 7), 'psi.cpu.some.avg60': 2.9,
        'psi.memory.some': 0.4, 'psi.memory.some.avg60': 0.6, 'psi.memory.full': 0.1, 'psi.memory.full.avg60': 0.2,
        'psi.io.some': 6.8 + 2 * wave(t, 8), 'psi.io.some.avg60': 5.1, 'psi.io.full': 2.3, 'psi.io.full.avg60': 1.9,
      },
      details: {
        system: { hostname: 'edge-1', kernel: '6.8.0-45-generic', os: 'Ubuntu 24.04.1 LTS', cpuModel: 'Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz', bootTime: t - 41 * 24 * HOUR },
        cores: [41, 37, 29, 33, 52, 24, 30, 27].map((c, i) => c + 6 * wave(t, i)),
        cpuModes: { user: busy * 0.7, system: busy * 0.22, iowait: busy * 0.05, steal: 0, nice: 0, irq: 0.2, softirq: 0.6, idle: 100 - busy },
        filesystems: [
          { mount: '/', device: '/dev/nvme0n1p2', fstype: 'ext4', total: 480 * GIB, used: 294 * GIB, available: 162 * GIB, percent: 61.3, readonly: false },
          { mount: '/srv/media', device: 'tank/media', fstype: 'zfs', total: 7.2 * 1024 * GIB, used: 5.1 * 1024 * GIB, available: 2.1 * 1024 * GIB, percent: 70.8, readonly: false },
        ],
        disks: [{ name: 'nvme0n1', readBps: 3 * MIB, writeBps: 5 * MIB, readIops: 120, writeIops: 340, utilPercent: 18 }],
        interfaces: [{ name: 'enp3s0', rxBps: 6.5 * MIB, txBps: 2.1 * MIB, rxPackets: 91_234_112, txPackets: 55_812_003, rxErrors: 0, txErrors: 0, up: true, speedMbps: 2500 }],
        processes: { running: 3, sleeping: 301, idle: 104, blocked: 1, zombie: 0, stopped: 3, total: 412 },
        temperatures: [
          { id: 'hwmon2/temp1', chip: 'coretemp', label: 'Package id 0', celsius: 67 + 4 * wave(t, 6), maxCelsius: 82, critCelsius: 100 },
          { id: 'hwmon2/temp2', chip: 'coretemp', label: 'Core 0', celsius: 62 + 4 * wave(t, 9), maxCelsius: 82, critCelsius: 100 },
          { id: 'hwmon2/temp3', chip: 'coretemp', label: 'Core 1', celsius: 64 + 4 * wave(t, 10), maxCelsius: 82, critCelsius: 100 },
          { id: 'hwmon1/temp1', chip: 'nvme', label: 'Composite', celsius: 48, maxCelsius: 70, critCelsius: 85 },
          { id: 'thermal_zone0', chip: 'acpitz', label: null, celsius: 27.8, maxCelsius: null, critCelsius: 105 },
        ],
        topProcesses: {
          byCpu: [
            { pid: 41822, name: 'jellyfin', cpuPercent: 64.1, rssBytes: 1.3 * GIB },
            { pid: 2210, name: 'node', cpuPercent: 38.4, rssBytes: 390 * MIB },
            { pid: 3390, name: 'python3', cpuPercent: 21.7, rssBytes: 286 * MIB },
            { pid: 3391, name: 'python3', cpuPercent: 18.9, rssBytes: 281 * MIB },
            { pid: 1702, name: 'qbittorrent-nox', cpuPercent: 14.2, rssBytes: 505 * MIB },
            { pid: 1188, name: 'postgres', cpuPercent: 11.8, rssBytes: 842 * MIB },
            { pid: 902, name: 'dockerd', cpuPercent: 4.1, rssBytes: 96 * MIB },
            { pid: 1, name: 'systemd', cpuPercent: 0.3, rssBytes: 14 * MIB },
          ],
          byMemory: [
            { pid: 41822, name: 'jellyfin', cpuPercent: 64.1, rssBytes: 1.3 * GIB },
            { pid: 1188, name: 'postgres', cpuPercent: 11.8, rssBytes: 842 * MIB },
            { pid: 5120, name: 'prometheus', cpuPercent: 8.8, rssBytes: 601 * MIB },
            { pid: 1702, name: 'qbittorrent-nox', cpuPercent: 14.2, rssBytes: 505 * MIB },
            { pid: 4410, name: 'python3', cpuPercent: 5.9, rssBytes: 448 * MIB },
            { pid: 2210, name: 'node', cpuPercent: 38.4, rssBytes: 390 * MIB },
          ],
        },
      },
    },
    containers: EDGE_CONTAINERS.map((spec, i) => container(spec, i, t, seq > 0)),
    docker: { state: 'ok', apiVersion: '1.47', engine: 'Docker Engine - Community 27.3.1' },
  };
}
