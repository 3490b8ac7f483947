import type { SessionInfo } from '@pulse/protocol';
import type { Api } from '../../lib/api';

export interface Health {
  status: 'ok';
  version: string;
  setupRequired: boolean;
}

export interface Credentials {
  username: string;
  password: string;
}

export function createAuthApi(api: Api) {
  return {
    health: () => api.get<Health>('/api/health'),
    me: () => api.get<SessionInfo>('/api/me'),
    signIn: (c: Credentials) => api.post<SessionInfo>('/api/session', c),
    setup: (c: Credentials) => api.post<SessionInfo>('/api/setup', c),
    signOut: () => api.delete('/api/session'),
  };
}
