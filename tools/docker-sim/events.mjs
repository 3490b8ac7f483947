/*
 * The engine's event log and `GET /events` subscribers: newline-delimited JSON, replayed from
 * `since`, filtered by type, event and container like dockerd filters them.
 */

/** Actions dockerd matches by prefix when a filter names them without the ": detail" part (moby#25798). */
const FUZZY_ACTIONS = new Set(['health_status', 'exec_create', 'exec_start']);

/**
 * Reads a `filters` query value: `{"type":["container"]}`, or the older `{"type":{"container":true}}`.
 * @returns {Record<string, string[]>}
 */
export function parseFilters(/** @type {string | null} */ text) {
  if (!text) return {};
  const raw = JSON.parse(text);
  /** @type {Record<string, string[]>} */
  const out = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    out[key] = Array.isArray(value) ? value.map(String) : Object.keys(value ?? {});
  }
  return out;
}

function matches(/** @type {Record<string, string[]>} */ filters, event) {
  if (filters.type?.length && !filters.type.includes(event.Type)) return false;
  if (filters.event?.length) {
    const base = event.Action.split(':')[0];
    if (!filters.event.some((f) => f === event.Action || (FUZZY_ACTIONS.has(f) && f === base))) return false;
  }
  if (filters.container?.length) {
    const name = event.Actor.Attributes.name;
    if (!filters.container.some((c) => event.Actor.ID.startsWith(c) || c === name)) return false;
  }
  return true;
}

/** @param {{ now: () => number, limit?: number }} options */
export function createEventLog({ now, limit = 1000 }) {
  /** @type {object[]} */
  const log = [];
  /** @type {Set<{ res: import('node:http').ServerResponse, filters: Record<string, string[]>, until?: number }>} */
  const subscribers = new Set();

  const write = (sub, event) => sub.res.write(`${JSON.stringify(event)}\n`);

  return {
    /** Records an event and sends it to every matching subscriber. */
    emit(/** @type {string} */ type, /** @type {string} */ action, /** @type {string} */ id, /** @type {Record<string, string>} */ attributes) {
      const at = now();
      const event = { Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, scope: 'local', time: Math.floor(at / 1000), timeNano: Math.round(at * 1e6) };
      log.push(event);
      if (log.length > limit) log.shift();
      for (const sub of subscribers) if (matches(sub.filters, event)) write(sub, event);
      return event;
    },
    /** Starts a stream: replays the log from `since` (seconds), then follows. */
    subscribe(/** @type {import('node:http').ServerResponse} */ res, /** @type {{ since?: number, filters: Record<string, string[]> }} */ { since, filters }) {
      const sub = { res, filters };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      if (since !== undefined) for (const event of log) if (event.time >= since && matches(filters, event)) write(sub, event);
      subscribers.add(sub);
      res.on('close', () => subscribers.delete(sub));
      return sub;
    },
    /** Writes a raw line to every open stream (failure injection). */
    writeRaw(/** @type {string} */ line) {
      for (const sub of subscribers) sub.res.write(`${line}\n`);
    },
    get subscriberCount() {
      return subscribers.size;
    },
    /** Ends every open stream, as an engine restart would. */
    endAll() {
      for (const sub of subscribers) sub.res.end();
      subscribers.clear();
    },
  };
}
