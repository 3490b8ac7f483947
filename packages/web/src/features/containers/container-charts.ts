import { formatPercent } from '../../lib/format';
import { BYTE_STEPS, bytesLabel, chartsReported, rateChart, type ChartSpec } from '../history/chart-spec';

/** % of one core: a container busy on three cores reads 300%, as `docker stats` shows it. */
const coreLabel = (v: number) => formatPercent(v, v >= 10 || v === 0 ? 0 : 1);

/*
 * A container's history charts. CPU has no fixed top (a container may use several cores); memory
 * draws the limit beside the use, so "how close to being OOM-killed" reads at a glance.
 */
export const CONTAINER_CHARTS: ChartSpec[] = [
  { key: 'cpu', title: 'CPU usage (% of one core)', lines: [{ metric: 'cpu', label: 'CPU', color: '--accent' }], format: coreLabel },
  {
    key: 'memory',
    title: 'Memory',
    lines: [
      { metric: 'mem.used', label: 'Used', color: '--chart-3' },
      { metric: 'mem.limit', label: 'Limit', color: '--warn' },
    ],
    format: bytesLabel,
    yIncrs: BYTE_STEPS,
  },
  rateChart('network', 'Network', [
    { metric: 'net.rx_bps', label: 'In', color: '--chart-3' },
    { metric: 'net.tx_bps', label: 'Out', color: '--chart-2' },
  ]),
  rateChart('block-io', 'Block I/O', [
    { metric: 'disk.read_bps', label: 'Read', color: '--accent' },
    { metric: 'disk.write_bps', label: 'Write', color: '--warn' },
  ]),
];

/**
 * The container charts it can fill now. The server refuses a metric the resource neither reports nor
 * has points for in the range, so only reported ones are asked for (a rate appears from the second
 * sample on).
 */
export const containerCharts = (metrics: ReadonlySet<string>): ChartSpec[] => chartsReported(CONTAINER_CHARTS, metrics);
