import { createMemo, type Accessor } from 'solid-js';
import { createPoll } from '../../lib/poll';
import { useResources } from '../infrastructure/store';
import { mergeRows, type MonitorRow, type MonitorView } from './monitor-model';
import { isMissingEndpoint } from './monitors-api';
import { useMonitorsApi } from './use-monitors-api';

/** Every monitor by name, for pickers: the API's list where there is one, the live resources in any case. */
export function useMonitorRows(): Accessor<MonitorRow[]> {
  const store = useResources();
  const api = useMonitorsApi();
  const views = createPoll<MonitorView[] | undefined>(async (signal) => {
    try {
      return await api.list(signal);
    } catch (err) {
      if (isMissingEndpoint(err)) return undefined;
      throw err;
    }
  }, 120_000);
  return createMemo(() => {
    store.revision();
    return mergeRows(store.raw(), views.value()).sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  });
}
