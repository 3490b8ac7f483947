import { chartsReported, DISK_IO_CHART, NETWORK_CHART, percentLabel, type ChartSpec } from '../history/chart-spec';

/* A guest's history charts: CPU and memory as shares, disk and network as rates. */
export const GUEST_CHARTS: ChartSpec[] = [
  { key: 'cpu', title: 'CPU usage', lines: [{ metric: 'cpu', label: 'CPU', color: '--accent' }], range: [0, 100], format: percentLabel },
  { key: 'memory', title: 'Memory usage', lines: [{ metric: 'mem.percent', label: 'Used', color: '--chart-3' }], range: [0, 100], format: percentLabel },
  NETWORK_CHART,
  DISK_IO_CHART,
];

/** The guest charts it can fill; a stopped guest reports no rates, so those charts wait for it to run. */
export const guestCharts = (metrics: ReadonlySet<string>): ChartSpec[] => chartsReported(GUEST_CHARTS, metrics);
