/*
 * Route tables and API errors shared by the PVE, PBS and PMG answers. A route's template
 * ('/nodes/{node}/qemu/{vmid}/status/current') is also the key the request counters use.
 */

/** An error the API answers with; `errors` is PVE's per-parameter map on 400. */
export class ApiError extends Error {
  constructor(/** @type {number} */ status, /** @type {string} */ message, /** @type {Record<string, string>} */ errors = undefined) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

/**
 * @typedef {{ params: Record<string, string>, query: URLSearchParams, member: string | undefined, fingerprint: string }} RouteContext
 * @typedef {{ template: string, regex: RegExp, handle: (ctx: RouteContext) => unknown }} Route
 */

/** @returns {Route} */
export function route(/** @type {string} */ template, /** @type {Route['handle']} */ handle) {
  const source = template.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_, name) => `(?<${name}>[^/]+)`);
  return { template, regex: new RegExp(`^${source}/?$`), handle };
}

export function match(/** @type {Route[]} */ routes, /** @type {string} */ path) {
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (m) return { route: r, params: /** @type {Record<string, string>} */ ({ ...m.groups }) };
  }
  return undefined;
}

/** A parameter that must be one of `values` (PVE's enumeration check, with its wording). */
export function enumParam(/** @type {URLSearchParams} */ query, /** @type {string} */ name, /** @type {string[]} */ values, /** @type {{ required?: boolean, fallback?: string }} */ opts = {}) {
  const v = query.get(name);
  if (v === null || v === '') {
    if (opts.required) throw new ApiError(400, 'Parameter verification failed.', { [name]: 'property is missing and it is not optional' });
    return opts.fallback;
  }
  if (!values.includes(v)) throw new ApiError(400, 'Parameter verification failed.', { [name]: `value '${v}' does not have a value in the enumeration '${values.join(', ')}'` });
  return v;
}

export function intParam(/** @type {URLSearchParams} */ query, /** @type {string} */ name, /** @type {number | undefined} */ fallback) {
  const v = query.get(name);
  if (v === null || v === '') return fallback;
  if (!/^-?\d+$/.test(v)) throw new ApiError(400, 'Parameter verification failed.', { [name]: `type check ('integer') failed - got '${v}'` });
  return Number(v);
}

/** A vmid path segment: PVE answers 400 for anything that is not a valid id. */
export function vmidParam(/** @type {string} */ raw) {
  if (!/^\d+$/.test(raw) || Number(raw) < 100) throw new ApiError(400, 'Parameter verification failed.', { vmid: `invalid format - value '${raw}' does not look like a valid VM ID` });
  return Number(raw);
}
