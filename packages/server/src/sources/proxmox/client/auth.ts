import type { OutgoingHttpHeaders } from 'node:http';
import { ProxmoxError } from './errors.js';
import type { Product } from './endpoints.js';

export type ProxmoxAuth =
  | { kind: 'token'; tokenId: string /* user@realm!name */; secret: string }
  | { kind: 'password'; username: string /* user@realm */; password: string };

const PREFIX: Record<Product, string> = { pve: 'PVE', pbs: 'PBS', pmg: 'PMG' };

/**
 * PVE joins token id and secret with `=`, PBS and PMG with `:` (proxmox-pulse.md §2); the
 * wrong one is a 401, so it is decided here once.
 */
export function tokenHeader(product: Product, tokenId: string, secret: string): string {
  return `${PREFIX[product]}APIToken=${tokenId}${product === 'pve' ? '=' : ':'}${secret}`;
}

/** A ticket lives 2 h; renewing 15 min early keeps slow clocks and long polls inside it. */
export const TICKET_RENEW_AFTER_MS = 105 * 60_000;

export interface Ticket {
  ticket: string;
  csrf: string;
  obtainedAt: number;
}

/** POSTs the form to /access/ticket through the client's failover; `data` and who answered. */
export type LoginRequest = (form: string) => Promise<{ data: unknown; endpoint: string }>;

/**
 * Password auth: one ticket shared by all requests, one login in flight at a time, renewed before it
 * expires and at most once after a 401. Holds the password in a private field so that no
 * inspection of the object shows it.
 */
export class TicketSession {
  readonly #product: Product;
  readonly #username: string;
  readonly #password: string;
  readonly #now: () => number;
  readonly #login: LoginRequest;
  #ticket: Ticket | undefined;
  #headers: { get: OutgoingHttpHeaders; other: OutgoingHttpHeaders } | undefined;
  #inFlight: Promise<Ticket> | undefined;

  constructor(product: Product, username: string, password: string, now: () => number, login: LoginRequest) {
    this.#product = product;
    this.#username = username;
    this.#password = password;
    this.#now = now;
    this.#login = login;
  }

  /** Headers for a request, logging in first when there is no fresh ticket. */
  async headers(method: 'GET' | 'POST'): Promise<OutgoingHttpHeaders> {
    const current = this.#ticket;
    if (!current || this.#now() - current.obtainedAt >= TICKET_RENEW_AFTER_MS) await this.#renew(current);
    const headers = this.#headers!;
    // PVE demands the CSRF token on every write; sending it on reads is harmless but pointless.
    return method === 'GET' ? headers.get : headers.other;
  }

  /** A request was refused with these headers: drop that ticket unless another request already replaced it. */
  invalidate(used: OutgoingHttpHeaders): void {
    if (this.#headers && (used === this.#headers.get || used === this.#headers.other)) {
      this.#ticket = undefined;
      this.#headers = undefined;
    }
  }

  /** Blanks the password and the live ticket out of server-chosen text before it reaches a message. */
  redact(text: string): string {
    return redactAll(text, [this.#password, encodeURIComponent(this.#password), this.#ticket?.ticket]);
  }

  /** The current ticket's age, for tests and the UI; never the ticket itself. */
  ticketObtainedAt(): number | undefined {
    return this.#ticket?.obtainedAt;
  }

  #renew(stale: Ticket | undefined): Promise<Ticket> {
    if (this.#inFlight) return this.#inFlight;
    const form = `username=${encodeURIComponent(this.#username)}&password=${encodeURIComponent(this.#password)}`;
    const login = this.#login(form)
      .then(({ data, endpoint }) => {
        const ticket = readTicket(data, this.#now(), endpoint);
        const cookie = `${PREFIX[this.#product]}AuthCookie=${ticket.ticket}`;
        this.#ticket = ticket;
        this.#headers = {
          get: { Cookie: cookie, Accept: 'application/json' },
          other: { Cookie: cookie, CSRFPreventionToken: ticket.csrf, Accept: 'application/json' },
        };
        return ticket;
      })
      .catch((err: unknown) => {
        // A failed renewal must not leave an expired ticket in use.
        if (this.#ticket === stale) {
          this.#ticket = undefined;
          this.#headers = undefined;
        }
        throw err;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    this.#inFlight = login;
    return login;
  }
}

function readTicket(data: unknown, now: number, endpoint: string): Ticket {
  const d = data as { ticket?: unknown; CSRFPreventionToken?: unknown; NeedTFA?: unknown } | null;
  if (d?.NeedTFA) {
    throw new ProxmoxError(
      'proxmox.unauthorized',
      'This account requires two-factor authentication, which a monitoring login cannot answer. Use an API token instead.',
      { endpoint },
    );
  }
  if (typeof d?.ticket !== 'string' || !d.ticket || /[\r\n;]/.test(d.ticket)) {
    throw new ProxmoxError('proxmox.bad_response', `The login answer of ${endpoint} held no usable ticket.`, { endpoint });
  }
  const csrf = typeof d.CSRFPreventionToken === 'string' ? d.CSRFPreventionToken : '';
  return { ticket: d.ticket, csrf, obtainedAt: now };
}

export function redactAll(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const secret of secrets) if (secret && out.includes(secret)) out = out.split(secret).join('***');
  return out;
}
