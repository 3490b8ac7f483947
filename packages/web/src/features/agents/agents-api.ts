import { AgentInfo, CreatedInstallToken, InstallToken, type NewInstallToken } from '@pulse/protocol';
import type { Api } from '../../lib/api';

const AgentList = AgentInfo.array();
const TokenList = InstallToken.array();

/** The agents endpoints, answers checked against the protocol's schemas. */
export function createAgentsApi(api: Api) {
  return {
    list: async (signal?: AbortSignal) => AgentList.parse((await api.get<{ agents?: unknown }>('/api/agents', { signal }))?.agents),
    /** Admin only: a viewer gets 403. */
    listInstallTokens: async (signal?: AbortSignal) =>
      TokenList.parse((await api.get<{ tokens?: unknown }>('/api/agents/install-tokens', { signal }))?.tokens),
    createInstallToken: async (body: NewInstallToken) => CreatedInstallToken.parse(await api.post('/api/agents/install-tokens', body)),
    revokeInstallToken: (id: string) => api.delete(`/api/agents/install-tokens/${encodeURIComponent(id)}`),
    remove: (id: string) => api.delete(`/api/agents/${encodeURIComponent(id)}`),
  };
}

export type AgentsApi = ReturnType<typeof createAgentsApi>;
