import { ApmAppSummary as ApmAppSummarySchema } from '@pulse/protocol';
import { ApiRequestError, type Api } from '../../lib/api';
import { readAppView, type ApmAppSummary, type ApmAppView, type ApmPeriod } from './app-types';

/* The APM read endpoints of packages/server/src/apm/CONTRACT.md. */

export interface AppsApi {
  list(signal?: AbortSignal): Promise<ApmAppSummary[]>;
  view(app: string, period: ApmPeriod, signal?: AbortSignal): Promise<ApmAppView>;
  /** An API token that may only report APM data, for the SDK snippet. */
  createReportToken(app: string): Promise<string>;
}

/** The server has no APM API at all (an older server), as opposed to an app it does not know. */
export const isMissingApm = (err: unknown) => err instanceof ApiRequestError && err.status === 404 && (err.code === 'route.not_found' || err.code === 'http.404');

export function createAppsApi(api: Api): AppsApi {
  return {
    async list(signal) {
      const res = await api.get<{ apps?: unknown }>('/api/apm/apps', { signal });
      if (!Array.isArray(res.apps)) throw new ApiRequestError(200, 'apm.unreadable', 'The server sent an app list this dashboard cannot read.');
      // One unreadable app should not hide the others.
      const apps: ApmAppSummary[] = [];
      for (const item of res.apps) {
        const parsed = ApmAppSummarySchema.safeParse(item);
        if (parsed.success) apps.push(parsed.data);
        else console.error('apps: skipped an unreadable app summary', item, parsed.error);
      }
      return apps;
    },
    async view(app, period, signal) {
      const res = await api.get<{ app?: unknown }>(`/api/apm/apps/${encodeURIComponent(app)}?period=${period}`, { signal });
      const view = readAppView(res.app);
      if (!view) throw new ApiRequestError(200, 'apm.unreadable', 'The server sent an app view this dashboard cannot read.');
      return view;
    },
    async createReportToken(app) {
      const res = await api.post<{ token: string }>('/api/tokens', { name: `APM: ${app}`, scopes: ['apm:report'] });
      return res.token;
    },
  };
}
