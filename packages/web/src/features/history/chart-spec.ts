import { formatBytes, formatPercent, formatRate } from '../../lib/format';

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

export const percentLabel = (v: number) => formatPercent(v, v >= 10 || v === 0 ? 0 : 1);
export const rateLabel = (v: number) => formatRate(v);
export const bytesLabel = (v: number) => formatBytes(v);

export const BYTE_STEPS = [0, 1, 2, 3, 4].flatMap((k) => [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * 1024 ** k));

/** The charts of `specs` a resource can fill, each with only the lines it reports: asking for an unknown metric fails the request. */
export function chartsReported(specs: readonly ChartSpec[], metrics: ReadonlySet<string>): ChartSpec[] {
  return specs.map((c) => ({ ...c, lines: c.lines.filter((l) => metrics.has(l.metric)) })).filter((c) => c.lines.length > 0);
}

export const metricsOf = (charts: readonly ChartSpec[]): string[] => charts.flatMap((c) => c.lines.map((l) => l.metric));

/** A chart of byte rates: one line each, axis steps on powers of two. */
export const rateChart = (key: string, title: string, lines: ChartLine[]): ChartSpec => ({ key, title, lines, format: rateLabel, yIncrs: BYTE_STEPS });

/** Network and disk rates under the metric names every machine reports (hosts, nodes, guests). */
export const NETWORK_CHART = rateChart('network', 'Network', [
  { metric: 'net.rx', label: 'In', color: '--chart-3' },
  { metric: 'net.tx', label: 'Out', color: '--chart-2' },
]);
export const DISK_IO_CHART = rateChart('disk-io', 'Disk I/O', [
  { metric: 'disk.read', label: 'Read', color: '--accent' },
  { metric: 'disk.write', label: 'Write', color: '--warn' },
]);
