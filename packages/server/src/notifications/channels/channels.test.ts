import { createHmac } from 'node:crypto';
import type { ChannelType, Notification } from '@pulse/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../channel.js';
import { type Answer, type Receiver, sampleNotification, startReceiver } from '../test-receiver.js';
import { channelRegistry } from './index.js';

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
async function receiver(answer?: (req: { path: string }, i: number) => Answer) {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}
const send = (type: ChannelType, n: Notification, config: unknown, timeoutMs = 5000) =>
  channelRegistry[type].send(n, channelRegistry[type].configSchema.parse(config), { signal: AbortSignal.timeout(timeoutMs), now: () => n.at });
const firing = sampleNotification('firing');
const resolved = sampleNotification('resolved');
const failureOf = async (p: Promise<unknown>) => {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
};

describe('chat channels', () => {
  it('posts a Slack attachment coloured by severity with header and section blocks, escaping mrkdwn', async () => {
    const r = await receiver();
    await send('slack', firing, { url: `${r.url}/services/T0/B0/secret` });
    await send('slack', resolved, { url: `${r.url}/services/T0/B0/secret` });
    const [a, b] = [r.json(0), r.json(1)];
    expect(r.requests[0]!.path).toBe('/services/T0/B0/secret');
    expect(a.text).toBe('[CRITICAL] CPU high on pve1');
    expect(a.attachments[0].color).toBe('#d92d20');
    expect(a.attachments[0].blocks.map((bl: { type: string }) => bl.type)).toEqual(['header', 'section', 'context', 'actions']);
    expect(a.attachments[0].blocks[1].text).toMatchObject({ type: 'mrkdwn' });
    expect(a.attachments[0].blocks[1].text.text).toContain('pve1 &lt;prod&gt; &amp; "main"');
    expect(b.attachments[0].color).toBe('#12b76a');
    expect(b.text).toMatch(/^\[RESOLVED\]/);
  });

  it('posts one Discord embed with an integer colour, a field per alert and no mentions', async () => {
    const r = await receiver(() => ({ status: 204, body: '' }));
    await send('discord', firing, { url: `${r.url}/api/webhooks/1/tok`, username: 'Pulse' });
    const body = r.json(0);
    expect(body.username).toBe('Pulse');
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.embeds).toHaveLength(1);
    expect(body.embeds[0]).toMatchObject({ title: '[CRITICAL] CPU high on pve1', color: 0xd92d20, timestamp: new Date(firing.at).toISOString(), url: firing.url });
    expect(body.embeds[0].fields[0]).toEqual({ name: 'pve1 <prod> & "main"', value: 'CPU 97 % (trigger 90 %) (CPU high)', inline: false });
  });

  it('posts a Teams Workflows message with one Adaptive Card attachment', async () => {
    const r = await receiver(() => ({ status: 202 }));
    await send('teams', resolved, { url: `${r.url}/workflows/x` });
    const body = r.json(0);
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0]).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null });
    const card = body.attachments[0].content;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.4', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json' });
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', color: 'good', weight: 'Bolder' });
    expect(card.body[2].facts[0]).toEqual({ title: 'pve1 <prod> & "main"', value: 'CPU 97 % (trigger 90 %) (CPU high)' });
    expect(card.actions[0]).toMatchObject({ type: 'Action.OpenUrl', url: resolved.url });
  });

  it('sends Telegram sendMessage with chat_id, escaped HTML text and parse_mode HTML', async () => {
    const r = await receiver(() => ({ body: '{"ok":true,"result":{}}' }));
    await send('telegram', firing, { botToken: '123456:ABC-def_ghi', chatId: -100123, apiUrl: r.url });
    expect(r.requests[0]!.path).toBe('/bot123456:ABC-def_ghi/sendMessage');
    const body = r.json(0);
    expect(body).toMatchObject({ chat_id: '-100123', parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    expect(body.text).toContain('<b>[CRITICAL] CPU high on pve1</b>');
    expect(body.text).toContain('<b>pve1 &lt;prod&gt; &amp; &quot;main&quot;</b>');
    expect(body.text).not.toContain('<prod>');
  });

  it('publishes to ntfy with title, priority, tags, click and the bearer token as headers', async () => {
    const r = await receiver();
    await send('ntfy', firing, { serverUrl: r.url, topic: 'pulse-alerts', token: 'tk_secret' });
    await send('ntfy', sampleNotification('resolved', { title: 'Température élevée' }), { serverUrl: r.url, topic: 'pulse-alerts' });
    const [a, b] = r.requests;
    expect(a!.path).toBe('/pulse-alerts');
    expect(a!.headers).toMatchObject({ title: '[CRITICAL] CPU high on pve1', priority: '5', tags: 'rotating_light,pulse', click: firing.url, authorization: 'Bearer tk_secret' });
    expect(a!.body).toContain('pve1 <prod>');
    expect(b!.headers.priority).toBe('3');
    expect(b!.headers.authorization).toBeUndefined();
    expect(b!.headers.title).toBe(`=?UTF-8?B?${Buffer.from('[RESOLVED] Température élevée').toString('base64')}?=`);
  });

  it('posts to Gotify /message with the app token header and an integer priority', async () => {
    const r = await receiver();
    await send('gotify', firing, { serverUrl: `${r.url}/`, appToken: 'AbCdEf.123' });
    expect(r.requests[0]!.path).toBe('/message');
    expect(r.requests[0]!.headers['x-gotify-key']).toBe('AbCdEf.123');
    expect(r.json(0)).toMatchObject({ title: '[CRITICAL] CPU high on pve1', priority: 8, extras: { 'client::notification': { click: { url: firing.url } } } });
    expect(r.json(0).message).toContain('CPU 97 %');
  });

  it('posts Pushover messages.json as a form with token, user, priority and timestamp', async () => {
    const r = await receiver(() => ({ body: '{"status":1,"request":"x"}' }));
    const token = 'a'.repeat(30);
    const userKey = 'u'.repeat(30);
    await send('pushover', firing, { token, userKey, apiUrl: r.url });
    expect(r.requests[0]!.path).toBe('/1/messages.json');
    expect(r.requests[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(r.requests[0]!.body));
    expect(form).toMatchObject({ token, user: userKey, title: '[CRITICAL] CPU high on pve1', priority: '1', timestamp: '1700000300', url: firing.url });
  });

  it('puts a Matrix m.notice with the notification id as transaction id', async () => {
    const r = await receiver(() => ({ body: '{"event_id":"$e"}' }));
    await send('matrix', firing, { homeserverUrl: r.url, accessToken: 'syt_token', roomId: '!room:example.org' });
    const req = r.requests[0]!;
    expect(req.method).toBe('PUT');
    expect(req.path).toBe(`/_matrix/client/v3/rooms/${encodeURIComponent('!room:example.org')}/send/m.room.message/${encodeURIComponent(firing.id)}`);
    expect(req.headers.authorization).toBe('Bearer syt_token');
    expect(r.json(0)).toMatchObject({ msgtype: 'm.notice', format: 'org.matrix.custom.html' });
    expect(r.json(0).formatted_body).toContain('pve1 &lt;prod&gt;');
  });
});

describe('incident channels', () => {
  const routingKey = 'R'.repeat(32);

  it('triggers PagerDuty and resolves the same dedup_key', async () => {
    const r = await receiver(() => ({ status: 202, body: '{"status":"success"}' }));
    await send('pagerduty', firing, { routingKey, apiUrl: r.url });
    await send('pagerduty', resolved, { routingKey, apiUrl: r.url });
    const [trigger, resolve] = [r.json(0), r.json(1)];
    expect(r.requests.map((q) => q.path)).toEqual(['/v2/enqueue', '/v2/enqueue']);
    expect(trigger).toMatchObject({
      routing_key: routingKey, event_action: 'trigger', dedup_key: 'pulse:rule:builtin:cpu:host:pve1',
      payload: { summary: '[CRITICAL] CPU high on pve1', source: 'pve1 <prod> & "main"', severity: 'critical', timestamp: new Date(firing.at).toISOString() },
    });
    expect(resolve).toEqual({ routing_key: routingKey, event_action: 'resolve', dedup_key: trigger.dedup_key });
  });

  it('tests PagerDuty with a trigger resolved at once', async () => {
    const r = await receiver(() => ({ status: 202 }));
    await send('pagerduty', sampleNotification('test', { id: 'test:1' }), { routingKey, apiUrl: r.url });
    expect([r.json(0).event_action, r.json(1).event_action]).toEqual(['trigger', 'resolve']);
    expect(r.json(1).dedup_key).toBe(r.json(0).dedup_key);
  });

  it('creates an Opsgenie alert with an alias and closes it by that alias', async () => {
    const r = await receiver(() => ({ status: 202, body: '{"result":"Request will be processed"}' }));
    const config = { apiKey: 'og-key', region: 'eu', apiUrl: r.url };
    await send('opsgenie', firing, config);
    await send('opsgenie', resolved, config);
    const [create, close] = r.requests;
    expect(create!.path).toBe('/v2/alerts');
    expect(create!.headers.authorization).toBe('GenieKey og-key');
    expect(r.json(0)).toMatchObject({ message: '[CRITICAL] CPU high on pve1', alias: 'pulse:rule:builtin:cpu:host:pve1', priority: 'P1', source: 'Pulse' });
    expect(r.json(0).message.length).toBeLessThanOrEqual(130);
    expect(close!.path).toBe(`/v2/alerts/${encodeURIComponent('pulse:rule:builtin:cpu:host:pve1')}/close?identifierType=alias`);
    expect(r.json(1)).toMatchObject({ source: 'Pulse' });
  });
});

describe('generic webhook', () => {
  it('sends the notification as JSON with a delivery id and a signature that verifies with the secret', async () => {
    const r = await receiver();
    await send('webhook', firing, { url: `${r.url}/hook`, secret: 's3cret-signing', headers: { 'X-Team': 'ops' } });
    const req = r.requests[0]!;
    expect(req.headers['x-pulse-delivery']).toBe(firing.id);
    expect(req.headers['x-team']).toBe('ops');
    const expected = `sha256=${createHmac('sha256', 's3cret-signing').update(req.body).digest('hex')}`;
    expect(req.headers['x-pulse-signature']).toBe(expected);
    expect(JSON.parse(req.body)).toMatchObject({ version: 1, id: firing.id, kind: 'firing', alerts: [{ resourceName: 'pve1 <prod> & "main"' }] });
  });

  it('renders a JSON body template with every hole escaped for JSON', async () => {
    const r = await receiver();
    const bodyTemplate = '{"text": "{{headline}}: {{alert.resourceName}}", "alerts": {{alerts | json}}, "n": {{count | json}}}';
    await send('webhook', firing, { url: r.url, method: 'PUT', bodyTemplate });
    expect(r.requests[0]!.method).toBe('PUT');
    const body = r.json(0);
    expect(body.text).toBe('[CRITICAL] CPU high on pve1: pve1 <prod> & "main"');
    expect(body.alerts[0].id).toBe(firing.alerts[0]!.id);
    expect(body.n).toBe(1);
  });
});

describe('failures', () => {
  it('reports the status and reason without the URL or token, and marks 4xx as permanent', async () => {
    const r = await receiver(() => ({ status: 401, body: '{"ok":false,"error_code":401,"description":"Unauthorized"}' }));
    const err = await failureOf(send('telegram', firing, { botToken: '999:SECRET-token', chatId: '1', apiUrl: r.url }));
    expect(err.message).toBe('Telegram answered HTTP 401: Unauthorized');
    expect(err).toMatchObject({ status: 401, permanent: true });
    expect(err.message).not.toContain('SECRET');
  });

  it('reads Retry-After on a 429 and a 5xx is worth retrying', async () => {
    const r = await receiver((_, i) => i === 0 ? { status: 429, headers: { 'retry-after': '7' }, body: '{"retry_after":7}' } : { status: 503, body: 'busy' });
    expect(await failureOf(send('discord', firing, { url: r.url }))).toMatchObject({ status: 429, retryAfterMs: 7000, permanent: false });
    expect(await failureOf(send('slack', firing, { url: r.url }))).toMatchObject({ status: 503, permanent: false, message: 'Slack answered HTTP 503: busy' });
  });

  it('aborts a send that gets no answer within its timeout', async () => {
    const r = await receiver(() => 'hang');
    const err = await failureOf(send('gotify', firing, { serverUrl: r.url, appToken: 't' }, 200));
    expect(err).toMatchObject({ code: 'delivery.timeout', message: 'Gotify did not answer in time' });
  });

  it('says which service cannot be reached', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    receivers.length = 0;
    const err = await failureOf(send('ntfy', firing, { serverUrl: url, topic: 't' }));
    expect(err).toMatchObject({ code: 'delivery.network', message: 'ntfy cannot be reached: ECONNREFUSED' });
  });
});
