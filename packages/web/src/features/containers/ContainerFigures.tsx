import type { Resource } from '@pulse/protocol';
import { formatBytes, formatCount, formatNumber, formatPercent, formatRate } from '../../lib/format';
import { StatTile } from '../../ui/StatTile';
import { containerFactsOf, liveFigures } from '../workloads/container-model';

/** Both directions together; undefined when neither is known (before the second sample, or stopped). */
const both = (a: number | undefined, b: number | undefined) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));

/** The container's figures right now, one tile each; dashes while it is not running. */
export function ContainerFigures(props: { r: Resource }) {
  const figures = () => liveFigures(props.r, containerFactsOf(props.r));
  // No figure at all: stopped, or its reporter went quiet. One reason for every tile.
  const idle = () => Object.values(figures()).every((v) => v === undefined);
  const or = (detail: string) => (idle() ? 'not running or not reporting' : detail);
  const cores = () => (figures().cpu === undefined ? undefined : figures().cpu! / 100);
  return (
    <div class="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-5" data-testid="container-figures">
      <StatTile
        label="CPU"
        value={formatPercent(figures().cpu)}
        detail={or(cores() === undefined ? 'no figure yet' : `of one core · ${formatNumber(cores(), cores()! >= 10 ? 1 : 2)} cores busy`)}
        testId="container-cpu"
      />
      <StatTile
        label="Memory"
        value={formatBytes(figures().memUsed)}
        detail={or(figures().memLimit === undefined ? 'no limit reported' : `${formatPercent(figures().memPercent)} of ${formatBytes(figures().memLimit)} limit`)}
        testId="container-mem"
      />
      <StatTile
        label="Network"
        value={formatRate(both(figures().rx, figures().tx))}
        detail={or(figures().rx === undefined && figures().tx === undefined ? 'no rate yet' : `in ${formatRate(figures().rx)} · out ${formatRate(figures().tx)}`)}
        testId="container-net"
      />
      <StatTile
        label="Block I/O"
        value={formatRate(both(figures().diskRead, figures().diskWrite))}
        detail={or(figures().diskRead === undefined && figures().diskWrite === undefined ? 'no rate yet' : `read ${formatRate(figures().diskRead)} · write ${formatRate(figures().diskWrite)}`)}
        testId="container-io"
      />
      <StatTile label="Processes" value={formatCount(figures().pids)} detail={or('PIDs in the container')} testId="container-pids" />
    </div>
  );
}
