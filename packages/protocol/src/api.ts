import { z } from 'zod';

/** The body of every non-2xx HTTP answer. */
export const ApiError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ApiError = z.infer<typeof ApiError>;

export const scopes = [
  'monitoring:read', 'settings:read', 'settings:write', 'tokens:write', 'metrics:read',
  'agent:report', 'apm:report', 'hub:publish', 'hub:subscribe', 'admin',
] as const;
export const Scope = z.enum(scopes);
export type Scope = z.infer<typeof Scope>;

export const User = z.object({ id: z.string(), username: z.string(), role: z.enum(['admin', 'viewer']) });
export type User = z.infer<typeof User>;

export const Credentials = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(1024),
});
export const NewAdmin = z.object({
  username: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.@-]+$/, 'letters, digits and _ . @ - only'),
  password: z.string().min(10, 'at least 10 characters').max(1024),
});

export const SessionInfo = z.object({ user: User, csrfToken: z.string(), scopes: z.array(Scope) });
export type SessionInfo = z.infer<typeof SessionInfo>;

export const ApiToken = z.object({
  id: z.string(), name: z.string(), scopes: z.array(Scope), createdAt: z.number(),
  lastUsedAt: z.number().nullable(), expiresAt: z.number().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;
export const NewApiToken = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(Scope).min(1),
  expiresInDays: z.number().int().positive().max(3650).optional(),
});
