import { BYTE_STEPS, chartsReported, percentLabel, rateLabel, type ChartSpec } from '../history/chart-spec';

/* A guest's history charts: CPU and memory as shares, disk and network as rates. */
export const GUEST_CHARTS: ChartSpec[] = [
  { key: 'cpu', title: 'CPU usage', lines: [{ metric: 'cpu', label: 'CPU', color: '--accent' }], range: [0, 100], format: percentLabel },
  { key: 'memory', title: 'Memory usage', lines: [{ metric: 'mem.percent', label: 'Used', color: '--chart-3' }], range: [0, 100], format: percentLabel },
  {
    key: 'network',
    title: 'Network',
    lines: [
      { metric: 'net.rx', label: 'In', color: '--chart-3' },
      { metric: 'net.tx', label: 'Out', color: '--chart-2' },
    ],
    format: rateLabel,
    yIncrs: BYTE_STEPS,
  },
  {
    key: 'disk-io',
    title: 'Disk I/O',
    lines: [
      { metric: 'disk.read', label: 'Read', color: '--accent' },
      { metric: 'disk.write', label: 'Write', color: '--warn' },
    ],
    format: rateLabel,
    yIncrs: BYTE_STEPS,
  },
];

/** The guest charts it can fill; a stopped guest reports no rates, so those charts wait for it to run. */
export const guestCharts = (metrics: ReadonlySet<string>): ChartSpec[] => chartsReported(GUEST_CHARTS, metrics);
