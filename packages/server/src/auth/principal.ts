import { type Scope, scopes as allScopes } from '@pulse/protocol';

/** Who is making a request, and what they may do. */
export interface Principal {
  /** `user:<id>` or `token:<id>`: what the audit log records. */
  id: string;
  name: string;
  kind: 'session' | 'token';
  userId: string;
  scopes: readonly Scope[];
  /** Only for browser sessions: mutations must echo it in `x-csrf-token`. */
  csrfToken?: string;
  sessionHash?: string;
}

export function scopesForRole(role: 'admin' | 'viewer'): Scope[] {
  return role === 'admin' ? [...allScopes] : ['monitoring:read'];
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes(scope) || principal.scopes.includes('admin');
}

/** Every scope a principal holds, with `admin` expanded, for parts (the hub) that match scopes literally. */
export function effectiveScopes(principal: Principal): Scope[] {
  return principal.scopes.includes('admin') ? [...allScopes] : [...principal.scopes];
}
