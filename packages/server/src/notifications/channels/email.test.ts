import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../channel.js';
import { sampleNotification } from '../test-receiver.js';
import { emailChannel } from './email.js';

interface Mail { from: string | undefined; to: string[]; raw: string; user: string | undefined }

/** A real SMTP server on loopback: plain (no STARTTLS offered), auth required, every mail kept. */
describe('email channel against a real SMTP server', () => {
  const mails: Mail[] = [];
  const waiters: (() => void)[] = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, done) {
        if (auth.username === 'pulse' && auth.password === 'mail-pass') done(null, { user: 'pulse' });
        else done(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onData(stream, session, done) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8'), user: session.user as string | undefined,
          });
          waiters.splice(0).forEach((w) => w());
          done();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const config = (overrides: object = {}) => emailChannel.configSchema.parse({
    host: '127.0.0.1', port, security: 'none', user: 'pulse', password: 'mail-pass', from: 'pulse@example.org', to: ['ops@example.org', 'oncall@example.org'], ...overrides,
  });
  const send = (kind: 'firing' | 'resolved', overrides: object = {}) =>
    emailChannel.send(sampleNotification(kind), config(overrides), { signal: AbortSignal.timeout(5000), now: Date.now });
  const quotedPrintable = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  const header = (raw: string, name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(raw)?.[1];

  it('delivers the firing and the resolve mail with sender, recipients, subject, text and HTML', async () => {
    await send('firing');
    await send('resolved');
    expect(mails).toHaveLength(2);
    const [firing, resolved] = mails;
    expect(firing).toMatchObject({ from: 'pulse@example.org', to: ['ops@example.org', 'oncall@example.org'], user: 'pulse' });
    expect(header(firing!.raw, 'Subject')).toBe('[CRITICAL] CPU high on pve1');
    expect(header(firing!.raw, 'From')).toBe('pulse@example.org');
    expect(header(firing!.raw, 'X-Pulse-Delivery')).toBe(sampleNotification('firing').id);
    expect(firing!.raw).toMatch(/Content-Type: text\/plain/);
    expect(firing!.raw).toMatch(/Content-Type: text\/html/);
    expect(firing!.raw).toContain('CPU 97 % on pve1 for 5 min');
    expect(quotedPrintable(firing!.raw)).toContain('<strong>pve1 &lt;prod&gt; &amp; &quot;main&quot;</strong>');
    expect(header(resolved!.raw, 'Subject')).toBe('[RESOLVED] CPU high on pve1');
  });

  it('fails with the SMTP code, as a permanent failure, when the password is wrong, and never shows it', async () => {
    const err = await send('firing', { password: 'wrong-pass' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ code: 'delivery.smtp', permanent: true });
    expect((err as Error).message).toMatch(/^the SMTP server answered 535/);
    expect((err as Error).message).not.toContain('wrong-pass');
  });

  it('refuses a config without recipients or with half of the credentials', () => {
    expect(emailChannel.configSchema.safeParse({ host: 'h', from: 'a@b.c', to: [] }).success).toBe(false);
    expect(emailChannel.configSchema.safeParse({ host: 'h', from: 'a@b.c', to: ['x@y.z'], user: 'u' }).success).toBe(false);
  });
});
