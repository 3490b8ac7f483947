import { formatNumber } from '../../lib/format';
import { chartsReported, DISK_IO_CHART, NETWORK_CHART, percentLabel, type ChartSpec } from '../history/chart-spec';

const load = (v: number) => formatNumber(v, v >= 10 ? 1 : 2);

/*
 * The host's history charts, in page order. Each shows one quantity; network and disk pair their two
 * directions on one chart because they are read together. Load has one line (1 min): the 5 and 15
 * minute averages are smoothings of it and add nothing over hours or days.
 */
export const HOST_CHARTS: ChartSpec[] = [
  { key: 'cpu', title: 'CPU usage', lines: [{ metric: 'cpu', label: 'CPU', color: '--accent' }], range: [0, 100], format: percentLabel },
  { key: 'memory', title: 'Memory usage', lines: [{ metric: 'mem.percent', label: 'Used', color: '--chart-3' }], range: [0, 100], format: percentLabel },
  { key: 'load', title: 'Load average', lines: [{ metric: 'load1', label: '1 min', color: '--chart-2' }], format: load },
  NETWORK_CHART,
  DISK_IO_CHART,
  { key: 'disk-usage', title: 'Disk usage', lines: [{ metric: 'disk.percent', label: 'Used', color: '--ok' }], range: [0, 100], format: percentLabel },
];

/** The host charts a host can fill. */
export const chartsFor = (metrics: ReadonlySet<string>): ChartSpec[] => chartsReported(HOST_CHARTS, metrics);
