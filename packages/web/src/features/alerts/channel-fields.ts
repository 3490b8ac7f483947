import { ChannelInput, type ChannelType, type Severity } from '@pulse/protocol';
import type { Channel } from './alerts-api';

/*
 * The config each channel type needs, in one map: the keys are the server's config field names
 * (packages/server/src/notifications/channels/<type>.ts), so aligning with them is an edit here only.
 */

/** What the server masks a stored secret with; sent back untouched it means "keep the stored one". */
export const MASKED = '********';

export interface ConfigField {
  key: string;
  label: string;
  kind: 'text' | 'url' | 'number' | 'select' | 'textarea' | 'list' | 'headers' | 'checkbox';
  /** Encrypted at rest and masked in answers (the server's `secretKeys`): a password input. */
  secret?: boolean;
  required?: boolean;
  placeholder?: string;
  hint?: string;
  options?: readonly { value: string; label: string }[];
  /** The value a new channel starts with. */
  initial?: string;
  /** Laid out at half width beside its neighbour. */
  half?: boolean;
}

const webhookUrl = (placeholder: string, hint: string): ConfigField => ({ key: 'url', label: 'Webhook URL', kind: 'url', secret: true, required: true, placeholder, hint });

/* Field names and rules as in packages/server/src/notifications/channels/<type>.ts. */
export const CHANNEL_FIELDS: Record<ChannelType, ConfigField[]> = {
  email: [
    { key: 'host', label: 'SMTP host', kind: 'text', required: true, placeholder: 'smtp.example.com', half: true },
    { key: 'port', label: 'Port', kind: 'number', placeholder: '587', hint: 'Optional: 465 for TLS, 587 for STARTTLS, 25 for none.', half: true },
    {
      key: 'security',
      label: 'Security',
      kind: 'select',
      initial: 'starttls',
      options: [
        { value: 'starttls', label: 'STARTTLS: upgrade required (587)' },
        { value: 'tls', label: 'TLS from the first byte (465)' },
        { value: 'none', label: 'None: plain, for a local relay only (25)' },
      ],
    },
    { key: 'user', label: 'User', kind: 'text', half: true, hint: 'Optional; give both or neither.' },
    { key: 'password', label: 'Password', kind: 'text', secret: true, half: true },
    { key: 'from', label: 'From', kind: 'text', required: true, placeholder: 'pulse@example.com' },
    { key: 'to', label: 'To', kind: 'list', required: true, placeholder: 'ops@example.com, oncall@example.com', hint: 'One or more addresses, separated by commas.' },
  ],
  webhook: [
    { key: 'url', label: 'URL', kind: 'url', required: true, placeholder: 'https://hooks.example.com/pulse' },
    { key: 'method', label: 'Method', kind: 'select', initial: 'POST', options: ['POST', 'PUT', 'PATCH'].map((m) => ({ value: m, label: m })), half: true },
    {
      key: 'format',
      label: 'Body format',
      kind: 'select',
      initial: 'json',
      options: [
        { value: 'json', label: 'JSON' },
        { value: 'form', label: 'Form (URL-encoded)' },
        { value: 'text', label: 'Plain text' },
      ],
      half: true,
    },
    { key: 'headers', label: 'Headers', kind: 'headers', secret: true, placeholder: 'Authorization: Bearer …', hint: 'Optional, one per line as Name: value. Stored encrypted.' },
    {
      key: 'bodyTemplate',
      label: 'Body template',
      kind: 'textarea',
      placeholder: '{"text": "{{title}}: {{summary}}"}',
      hint: 'Optional: the whole notification as JSON when empty. {{title}}, {{summary}}, {{severity}}, {{kind}} and {{url}} are filled in.',
    },
    { key: 'secret', label: 'Signing secret', kind: 'text', secret: true, hint: 'Optional, 8+ characters: signs each body as X-Pulse-Signature: sha256=<HMAC>.' },
  ],
  slack: [webhookUrl('https://hooks.slack.com/services/…', 'Slack → Apps → Incoming Webhooks → Add New Webhook to Workspace.')],
  discord: [
    webhookUrl('https://discord.com/api/webhooks/…', 'Channel settings → Integrations → Webhooks → New Webhook → Copy Webhook URL.'),
    { key: 'username', label: 'Post as', kind: 'text', placeholder: 'Pulse', hint: 'Optional: the name the messages show.' },
  ],
  teams: [webhookUrl('https://….webhook.office.com/…', 'A Workflows "post to a channel when a webhook request is received" URL.')],
  telegram: [
    { key: 'botToken', label: 'Bot token', kind: 'text', secret: true, required: true, placeholder: '123456:ABC-DEF…', hint: 'From @BotFather.' },
    { key: 'chatId', label: 'Chat ID', kind: 'text', required: true, placeholder: '-1001234567890', hint: 'The user, group or channel the bot writes to.' },
    { key: 'silent', label: 'Send silently', kind: 'checkbox', hint: 'No sound on arrival.' },
  ],
  ntfy: [
    { key: 'serverUrl', label: 'Server', kind: 'url', initial: 'https://ntfy.sh', half: true },
    { key: 'topic', label: 'Topic', kind: 'text', required: true, placeholder: 'pulse-alerts', half: true, hint: '1-64 letters, digits, - or _' },
    { key: 'token', label: 'Access token', kind: 'text', secret: true, hint: 'Optional: for a protected topic.' },
  ],
  gotify: [
    { key: 'serverUrl', label: 'Server', kind: 'url', required: true, placeholder: 'https://gotify.example.com' },
    { key: 'appToken', label: 'Application token', kind: 'text', secret: true, required: true, hint: 'Gotify → Apps → Create application.' },
  ],
  pushover: [
    { key: 'token', label: 'Application token', kind: 'text', secret: true, required: true, hint: 'pushover.net → Create an Application/API Token (30 characters).' },
    { key: 'userKey', label: 'User or group key', kind: 'text', secret: true, required: true },
    { key: 'device', label: 'Device', kind: 'text', half: true, hint: 'Optional: all devices when empty.' },
    { key: 'sound', label: 'Sound', kind: 'text', half: true, hint: 'Optional' },
  ],
  matrix: [
    { key: 'homeserverUrl', label: 'Homeserver', kind: 'url', required: true, placeholder: 'https://matrix.example.org' },
    { key: 'accessToken', label: 'Access token', kind: 'text', secret: true, required: true, hint: "A bot account's token." },
    { key: 'roomId', label: 'Room ID', kind: 'text', required: true, placeholder: '!abc123:example.org', hint: 'Room settings → Advanced. The bot must have joined the room.' },
  ],
  pagerduty: [{ key: 'routingKey', label: 'Integration (routing) key', kind: 'text', secret: true, required: true, hint: 'The 32-character key of an Events API v2 integration on the service.' }],
  opsgenie: [
    { key: 'apiKey', label: 'API key', kind: 'text', secret: true, required: true, hint: 'An API integration key.' },
    {
      key: 'region',
      label: 'Region',
      kind: 'select',
      initial: 'us',
      options: [
        { value: 'us', label: 'US (api.opsgenie.com)' },
        { value: 'eu', label: 'EU (api.eu.opsgenie.com)' },
      ],
    },
  ],
};

export const CHANNEL_LABEL: Record<ChannelType, string> = {
  email: 'Email',
  webhook: 'Webhook',
  slack: 'Slack',
  discord: 'Discord',
  teams: 'Microsoft Teams',
  telegram: 'Telegram',
  ntfy: 'ntfy',
  gotify: 'Gotify',
  pushover: 'Pushover',
  matrix: 'Matrix',
  pagerduty: 'PagerDuty',
  opsgenie: 'Opsgenie',
};

export interface ChannelForm {
  name: string;
  type: ChannelType;
  enabled: boolean;
  /** every field as text; lists comma-separated, headers one per line */
  config: Record<string, string>;
  minSeverity: Severity;
  tags: string;
  sendResolved: boolean;
}

function initialConfig(type: ChannelType): Record<string, string> {
  return Object.fromEntries(CHANNEL_FIELDS[type].map((f) => [f.key, f.initial ?? '']));
}

export function emptyChannelForm(type: ChannelType = 'webhook'): ChannelForm {
  return { name: '', type, enabled: true, config: initialConfig(type), minSeverity: 'warning', tags: '', sendResolved: true };
}

/** A field's stored value as text for its input. */
function textOf(field: ConfigField, v: unknown): string {
  if (v === undefined || v === null) return field.initial ?? '';
  if (v === MASKED) return MASKED;
  if (field.kind === 'checkbox') return v === true ? 'true' : '';
  if (field.kind === 'list' && Array.isArray(v)) return v.map(String).join(', ');
  if (field.kind === 'headers' && typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${String(x)}`).join('\n');
  return String(v);
}

/** A stored channel in the form; masked secrets stay masked so saving keeps them. */
export function channelFormOf(c: Channel): ChannelForm {
  const config: Record<string, string> = {};
  for (const f of CHANNEL_FIELDS[c.type] ?? []) config[f.key] = textOf(f, c.config[f.key]);
  return { name: c.name, type: c.type, enabled: c.enabled, config, minSeverity: c.minSeverity, tags: c.tags.join(', '), sendResolved: c.sendResolved };
}

/** The same type's fields, others' values dropped: a switch of type starts that type's form afresh. */
export function switchType(form: ChannelForm, type: ChannelType): ChannelForm {
  return { ...form, type, config: initialConfig(type) };
}

export function headersOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

const listOf = (text: string) =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

export function channelBodyOf(form: ChannelForm): ChannelInput {
  const config: Record<string, unknown> = {};
  for (const f of CHANNEL_FIELDS[form.type]) {
    const v = form.config[f.key] ?? '';
    // A masked secret goes back as it came: "keep the stored one".
    if (v === MASKED) config[f.key] = MASKED;
    else if (f.kind === 'checkbox') config[f.key] = v === 'true';
    else if (f.kind === 'list') config[f.key] = listOf(v);
    else if (f.kind === 'headers') {
      const h = headersOf(v);
      if (Object.keys(h).length) config[f.key] = h;
    } else if (f.kind === 'number') {
      if (v.trim() !== '') config[f.key] = Number(v);
    } else if (v.trim() !== '') config[f.key] = f.secret ? v : v.trim();
  }
  return { name: form.name.trim(), type: form.type, enabled: form.enabled, config, minSeverity: form.minSeverity, tags: listOf(form.tags), sendResolved: form.sendResolved };
}

const URL_RE = /^https?:\/\/[^\s/]+/i;

/** Every problem the form has, by field (`name`, `config.<key>`); empty when it can be sent. */
export function validateChannel(form: ChannelForm): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!form.name.trim()) errors['name'] = 'Give the channel a name.';
  for (const f of CHANNEL_FIELDS[form.type]) {
    const v = (form.config[f.key] ?? '').trim();
    const key = `config.${f.key}`;
    if (!v) {
      if (f.required) errors[key] = `Required: ${f.label.charAt(0).toLowerCase()}${f.label.slice(1)}.`;
      continue;
    }
    if (v === MASKED || f.kind === 'checkbox') continue;
    if (f.kind === 'url' && !URL_RE.test(v)) errors[key] = 'Must be an http:// or https:// URL.';
    if (f.kind === 'number' && !(Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 65_535)) errors[key] = 'Must be a port between 1 and 65,535.';
    if (f.kind === 'list' && f.key === 'to' && listOf(v).some((a) => !/^[^\s@]+@[^\s@]+$/.test(a))) errors[key] = 'Each must be an email address.';
    if (f.kind === 'headers' && v.split('\n').some((l) => l.trim() && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*:/.test(l.trim()))) errors[key] = 'One header per line, as Name: value.';
  }
  if (form.type === 'email' && !!form.config['user']?.trim() !== !!form.config['password']?.trim()) errors['config.password'] ??= 'Give both user and password, or neither.';
  if (form.type === 'webhook' && form.config['secret'] && form.config['secret'] !== MASKED && form.config['secret'].length < 8) errors['config.secret'] ??= 'A signing secret has at least 8 characters.';
  const parsed = ChannelInput.safeParse(channelBodyOf(form));
  if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0] === 'config' ? `config.${String(i.path[1])}` : i.path[0])] ??= i.message;
  return errors;
}

/** A 400 from the server as field errors: `body.config.url: …` onto its field, the rest for the form. */
export function channelServerErrors(message: string): Record<string, string> {
  const errors: Record<string, string> = {};
  const rest: string[] = [];
  for (const part of message.split(/;\s+/)) {
    const m = /^(?:body\.)?(name|config\.[\w-]+|minSeverity|tags)\b[^:]*:\s*(.+)$/.exec(part.trim());
    if (m) errors[m[1]!] ??= m[2]!;
    else if (part.trim()) rest.push(part.trim());
  }
  if (rest.length) errors['form'] = rest.join(' ');
  return errors;
}

/** Where a channel sends, for the list: the host of its URL, its address or its topic; never a secret. */
export function channelTarget(c: Pick<Channel, 'type' | 'config'>): string {
  const s = (k: string) => (typeof c.config[k] === 'string' ? (c.config[k] as string) : '');
  const host = (u: string) => {
    try {
      return new URL(u).host;
    } catch {
      return '';
    }
  };
  switch (c.type) {
    case 'email':
      return Array.isArray(c.config['to']) ? (c.config['to'] as unknown[]).map(String).join(', ') : s('to');
    case 'webhook':
      return `${s('method') || 'POST'} ${s('url') === MASKED ? '' : host(s('url'))}`;
    case 'slack':
    case 'discord':
    case 'teams':
      return s('url') === MASKED ? '' : host(s('url'));
    case 'telegram':
      return s('chatId') && `chat ${s('chatId')}`;
    case 'ntfy':
      return `${host(s('serverUrl') || 'https://ntfy.sh')}/${s('topic')}`;
    case 'gotify':
      return host(s('serverUrl'));
    case 'matrix':
      return `${s('roomId')}${s('homeserverUrl') ? ` on ${host(s('homeserverUrl'))}` : ''}`;
    case 'opsgenie':
      return (s('region') || 'us').toUpperCase();
    default:
      return '';
  }
}
