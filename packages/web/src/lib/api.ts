import { ApiError } from '@pulse/protocol';

/** A non-2xx answer (or no answer at all) from the Pulse API, with the server's error code. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** From the `retry-after` header of a 429, in seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }
}

export interface Api {
  get<T>(path: string, init?: { signal?: AbortSignal }): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  delete(path: string): Promise<void>;
}

export interface ApiOptions {
  /** The session's CSRF token, sent on every mutation. */
  csrfToken: () => string | undefined;
  /** Called when an authenticated call answers 401, i.e. the session ended elsewhere. */
  onUnauthorized?: (error: ApiRequestError) => void;
  fetch?: typeof fetch;
}

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function createApi(options: ApiOptions): Api {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const csrf = options.csrfToken();
    if (MUTATIONS.has(method) && csrf) headers['x-csrf-token'] = csrf;

    let res: Response;
    try {
      res = await doFetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ApiRequestError(0, 'network.unreachable', 'Cannot reach the Pulse server. Check that it is running.');
    }

    if (res.ok) {
      if (res.status === 204) return undefined as T;
      return (await res.json()) as T;
    }
    const error = await toError(res);
    // Login and setup answer 401 for bad credentials; only an ended session should log out.
    if (error.status === 401 && error.code === 'auth.required') options.onUnauthorized?.(error);
    throw error;
  }

  return {
    get: (path, init) => request('GET', path, undefined, init?.signal),
    post: (path, body) => request('POST', path, body ?? {}),
    delete: (path) => request('DELETE', path),
  };
}

async function toError(res: Response): Promise<ApiRequestError> {
  const retryAfter = Number(res.headers.get('retry-after'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const parsed = ApiError.safeParse(body);
  if (parsed.success) {
    const { code, message } = parsed.data.error;
    return new ApiRequestError(res.status, code, message, retryAfterSeconds);
  }
  return new ApiRequestError(res.status, `http.${res.status}`, `The server answered ${res.status} ${res.statusText}.`, retryAfterSeconds);
}
