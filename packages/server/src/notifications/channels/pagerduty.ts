import type { Notification } from '@pulse/protocol';
import { z } from 'zod';
import { defineChannel } from '../channel.js';
import { alertLines, clip, groupKeyOf, headline, isoTime, suppressedLine } from '../message.js';
import { apiUrl, secret } from './config-fields.js';
import { callService } from './http.js';

type Action = 'trigger' | 'resolve';

/**
 * PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/). The
 * dedup_key is the alert group's key, so the resolve closes the incident the trigger opened, and
 * reminders and escalations land on that same incident instead of opening new ones. A test triggers
 * and at once resolves, leaving nothing open on anyone's pager.
 */
export const pagerdutyChannel = defineChannel({
  type: 'pagerduty',
  secretKeys: ['routingKey'],
  configSchema: z.object({
    routingKey: secret('integration (routing) key').regex(/^[A-Za-z0-9]{32}$/, 'a routing key is the 32-character Integration Key of an Events API v2 integration'),
    apiUrl: apiUrl('https://events.pagerduty.com'),
  }),
  async send(n, config, { signal }) {
    const dedupKey = n.kind === 'test' ? `pulse-test:${n.id}` : `pulse:${groupKeyOf(n)}`;
    const post = (action: Action) => callService('PagerDuty', `${config.apiUrl}/v2/enqueue`, { body: event(n, config.routingKey, dedupKey, action), signal });
    if (n.kind === 'resolved') {
      await post('resolve');
      return;
    }
    await post('trigger');
    if (n.kind === 'test') await post('resolve');
  },
});

function event(n: Notification, routingKey: string, dedupKey: string, action: Action): object {
  if (action === 'resolve') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  const first = n.alerts[0]!;
  const held = suppressedLine(n);
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: clip(headline(n), 1024),
      source: first.resourceName,
      // PagerDuty's severities are critical, error, warning, info; Pulse has no "error".
      severity: n.severity,
      timestamp: isoTime(n),
      component: first.resourceId,
      group: first.ruleName,
      class: first.ruleId,
      custom_details: { summary: n.summary, alerts: alertLines(n).map((l) => `${l.resource}: ${l.text}`), ...(held ? { held } : {}), kind: n.kind },
    },
    client: 'Pulse',
    ...(n.url ? { client_url: n.url, links: [{ href: n.url, text: 'Open in Pulse' }] } : {}),
  };
}
