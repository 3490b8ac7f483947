import { randomUUID } from 'node:crypto';
import { StatusPageInput } from '@pulse/protocol';
import type { StateStore } from '../../store/index.js';
import type { StatusPageRow } from '../../store/status-pages.js';
import type { StatusPage } from './schema.js';

export type StatusPageErrorCode = 'validation.failed' | 'status_page.not_found' | 'status_page.slug_taken';

export class StatusPageError extends Error {
  constructor(readonly code: StatusPageErrorCode, message: string) {
    super(message);
    this.name = 'StatusPageError';
  }
}

export interface StatusPageServiceDeps {
  store: Pick<StateStore, 'statusPages' | 'monitors' | 'audit'>;
  now: () => number;
  newId?: () => string;
}

const notFound = () => new StatusPageError('status_page.not_found', 'No status page with that id.');
const slugTaken = (slug: string) => new StatusPageError('status_page.slug_taken', `The address "${slug}" is used by another status page; pick another slug.`);

/**
 * A stored definition read back. It was valid when written; parsing again applies defaults added
 * since, and a row that no longer parses is an error worth seeing rather than a page silently empty.
 */
export function pageOf(row: StatusPageRow): StatusPage {
  const input = StatusPageInput.parse({ ...(JSON.parse(row.definition) as object), slug: row.slug });
  return { ...input, id: row.id, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** Status pages: CRUD with the checks zod cannot make (monitors exist, slug free), each change audited. */
export function createStatusPageService(deps: StatusPageServiceDeps) {
  const { store, now } = deps;
  const newId = deps.newId ?? randomUUID;

  /** Every monitor id a page names must exist now; the error names each missing one by its place. */
  async function checkMonitors(input: StatusPageInput): Promise<void> {
    const known = new Set((await store.monitors.list()).map((m) => m.id));
    const missing: string[] = [];
    input.groups.forEach((group, g) => group.monitorIds.forEach((id, m) => {
      if (!known.has(id)) missing.push(`body.groups.${g}.monitorIds.${m}: no monitor with id "${id}"`);
    }));
    if (missing.length) throw new StatusPageError('validation.failed', `${missing.slice(0, 10).join('; ')}${missing.length > 10 ? `; and ${missing.length - 10} more` : ''}`);
  }

  const audit = (actor: string, action: string, page: StatusPage) =>
    store.audit.record({ at: now(), actor, action: `status_page.${action}`, target: page.id, detail: { slug: page.slug, title: page.title } });

  async function get(id: string): Promise<StatusPage> {
    const row = await store.statusPages.get(id);
    if (!row) throw notFound();
    return pageOf(row);
  }

  return {
    list: async (): Promise<StatusPage[]> => (await store.statusPages.list()).map(pageOf),
    get,

    create: async (input: StatusPageInput, actor: string): Promise<StatusPage> => {
      await checkMonitors(input);
      const at = now();
      const row: StatusPageRow = { id: newId(), slug: input.slug, definition: JSON.stringify(input), created_at: at, updated_at: at };
      if (!(await store.statusPages.insert(row))) throw slugTaken(input.slug);
      const page = pageOf(row);
      await audit(actor, 'create', page);
      return page;
    },

    /** Replaces the whole definition (PUT), slug included. */
    update: async (id: string, input: StatusPageInput, actor: string): Promise<StatusPage> => {
      await checkMonitors(input);
      const change = { slug: input.slug, definition: JSON.stringify(input), updated_at: now() };
      const outcome = await store.statusPages.update(id, change);
      if (outcome === 'not_found') throw notFound();
      if (outcome === 'slug_taken') throw slugTaken(input.slug);
      const page = await get(id);
      await audit(actor, 'update', page);
      return page;
    },

    remove: async (id: string, actor: string): Promise<void> => {
      const page = await get(id);
      if (!(await store.statusPages.remove(id))) throw notFound();
      await audit(actor, 'delete', page);
    },
  };
}
export type StatusPageService = ReturnType<typeof createStatusPageService>;
