import { formatNumber, formatPercent, formatRate } from '../../lib/format';

/** One line of a chart: a metric, its legend label and a colour token from styles.css. */
export interface ChartLine {
  metric: string;
  label: string;
  color: string;
}

export interface ChartSpec {
  key: string;
  title: string;
  lines: ChartLine[];
  /** A fixed y range; percentages keep 0-100 so a quiet host does not look busy. */
  range?: [number, number];
  format: (v: number) => string;
  /** Tick steps for the y axis; byte rates step in binary units so ticks read "512 KiB/s", not "488 KiB/s". */
  yIncrs?: number[];
}

const pct = (v: number) => formatPercent(v, v >= 10 || v === 0 ? 0 : 1);
const rate = (v: number) => formatRate(v);
const load = (v: number) => formatNumber(v, v >= 10 ? 1 : 2);

const BYTE_STEPS = [0, 1, 2, 3, 4].flatMap((k) => [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * 1024 ** k));

/*
 * The host's history charts, in page order. Each shows one quantity; network and disk pair their two
 * directions on one chart because they are read together. Load has one line (1 min): the 5 and 15
 * minute averages are smoothings of it and add nothing over hours or days.
 */
export const HOST_CHARTS: ChartSpec[] = [
  { key: 'cpu', title: 'CPU usage', lines: [{ metric: 'cpu', label: 'CPU', color: '--accent' }], range: [0, 100], format: pct },
  { key: 'memory', title: 'Memory usage', lines: [{ metric: 'mem.percent', label: 'Used', color: '--chart-3' }], range: [0, 100], format: pct },
  { key: 'load', title: 'Load average', lines: [{ metric: 'load1', label: '1 min', color: '--chart-2' }], format: load },
  {
    key: 'network',
    title: 'Network',
    lines: [
      { metric: 'net.rx', label: 'In', color: '--chart-3' },
      { metric: 'net.tx', label: 'Out', color: '--chart-2' },
    ],
    format: rate,
    yIncrs: BYTE_STEPS,
  },
  {
    key: 'disk-io',
    title: 'Disk I/O',
    lines: [
      { metric: 'disk.read', label: 'Read', color: '--accent' },
      { metric: 'disk.write', label: 'Write', color: '--warn' },
    ],
    format: rate,
    yIncrs: BYTE_STEPS,
  },
  { key: 'disk-usage', title: 'Disk usage', lines: [{ metric: 'disk.percent', label: 'Used', color: '--ok' }], range: [0, 100], format: pct },
];

/** The charts a host can fill, each with only the lines it reports: asking for an unknown metric fails the request. */
export function chartsFor(metrics: ReadonlySet<string>): ChartSpec[] {
  return HOST_CHARTS.map((c) => ({ ...c, lines: c.lines.filter((l) => metrics.has(l.metric)) })).filter((c) => c.lines.length > 0);
}

export const metricsOf = (charts: readonly ChartSpec[]): string[] => charts.flatMap((c) => c.lines.map((l) => l.metric));
