import { z } from 'zod';
import { MonitorState, StatusPageInput } from './monitor.js';

/*
 * What the status-page API answers. StatusPageInput (the body) lives in protocol; these two are the
 * server's answers (kept here so the dashboard's public page reads the same shape): the stored page for the signed-in editor, and the public view for anyone.
 */

export const StatusPage = StatusPageInput.extend({ id: z.string(), createdAt: z.number(), updatedAt: z.number() });
export type StatusPage = z.infer<typeof StatusPage>;

export const uptimeRanges = ['24h', '7d', '30d'] as const;
export const UptimeRange = z.enum(uptimeRanges);
export type UptimeRange = z.infer<typeof UptimeRange>;

export const overallStates = ['operational', 'degraded', 'outage', 'maintenance'] as const;

/**
 * The public view of one page. Every field is listed on purpose: the response is parsed through this
 * schema, so anything a builder adds by mistake (an id, a target) is dropped before it is sent.
 */
export const StatusPageView = z.object({
  title: z.string(),
  description: z.string().optional(),
  logoUrl: z.string().optional(),
  footer: z.string().optional(),
  /** when the view was built (ms) */
  updatedAt: z.number(),
  overall: z.enum(overallStates),
  groups: z.array(z.object({
    name: z.string(),
    monitors: z.array(z.object({
      /** position on the page, counted over all groups from 0: what badge URLs use instead of an id */
      index: z.number().int().nonnegative(),
      name: z.string(),
      state: MonitorState,
      /** percent, null without data for the range */
      uptime: z.object({ '24h': z.number().nullable(), '7d': z.number().nullable(), '30d': z.number().nullable() }),
      /** the last check's total time, when the page shows response times */
      responseMs: z.number().optional(),
      /** one bar per UTC day, oldest first, the last being today so far; uptime null for days without data */
      history: z.array(z.object({ day: z.number(), uptime: z.number().nullable() })).optional(),
    })),
  })),
  /** when the page shows incidents: the last 30 days', newest first */
  incidents: z.array(z.object({
    monitorName: z.string(), startedAt: z.number(), endedAt: z.number().nullable(),
    /** the gist only: URLs, addresses and host names removed */
    reason: z.string(),
  })).optional(),
  /** windows covering the page's monitors that are on now or start within 7 days */
  maintenance: z.array(z.object({ title: z.string(), startsAt: z.number(), endsAt: z.number() })).optional(),
});
export type StatusPageView = z.infer<typeof StatusPageView>;
