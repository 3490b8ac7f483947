import { z } from 'zod';

/** Config field kinds the channels share. */

export const httpUrl = (what = 'URL') => z.url({ protocol: /^https?$/, error: `an http:// or https:// ${what}` });

/** A service's base URL: the public one by default; tests and self-hosted relays point it elsewhere. */
export const apiUrl = (defaultUrl: string) => httpUrl('base URL').default(defaultUrl).transform((u) => u.replace(/\/+$/, ''));

export const secret = (what: string) => z.string({ error: `the ${what} is required` }).trim().min(1, `the ${what} is required`);
