import type { ObservedResource } from '../../../resources/observation.js';
import { errorDetail } from './figures.js';

/**
 * Everything a connection owned, when the connection cannot be read at all: the last figures are
 * kept (they are the best there is to look at) but the status says they are no claim about now,
 * and the nodes (and a PBS server) carry the connection's error for the UI to explain.
 */
export function markUnknown(resources: readonly ObservedResource[], error: { code: string; message: string }): ObservedResource[] {
  const detail = errorDetail(error);
  return resources.map((r) => ({
    ...r,
    status: 'unknown',
    details: r.type === 'node' ? { ...r.details, error: detail } : r.details,
  }));
}
