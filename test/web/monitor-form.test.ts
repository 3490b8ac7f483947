import { describe, expect, it } from 'vitest';
import { MonitorInput } from '../../packages/protocol/src/monitor.ts';
import { bodyOf, emptyForm, fieldOfPath, formOf, MASKED, serverErrors, validate, type MonitorForm } from '../../packages/web/src/features/monitors/monitor-form.ts';
import type { MonitorView } from '../../packages/web/src/features/monitors/monitor-model.ts';

const http = (over: Partial<MonitorForm> = {}): MonitorForm => ({ ...emptyForm('http'), name: 'Shop', url: 'https://shop.example/health', ...over });

describe('monitor form validation (before sending)', () => {
  it('accepts a complete HTTP form and makes a body the protocol schema takes', () => {
    const form = http({ headers: [{ name: 'X-Key', value: 'abc' }], jsonPath: [{ path: 'checks[0].ok', op: '==', value: 'true' }], keyword: 'Welcome', keywordInvert: true });
    expect(validate(form)).toEqual({});
    const body = bodyOf(form);
    expect(MonitorInput.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({ type: 'http', timeoutMs: 10_000, intervalS: 60, headers: { 'X-Key': 'abc' }, keyword: { value: 'Welcome', invert: true }, jsonPath: [{ path: 'checks[0].ok', op: '==', value: true }] });
  });

  it('says which field is wrong: the name, the URL, bounds of the schema', () => {
    const e = validate(http({ name: ' ', url: 'ftp://x', intervalS: '0', retries: '11', certExpiryDays: '400' }));
    expect(e['name']).toMatch(/name/i);
    expect(e['url']).toBe('Must be an http:// or https:// URL.');
    expect(e['intervalS']).toBe('Must be between 1 and 86,400 seconds.');
    expect(e['retries']).toBe('Must be between 0 and 10.');
    expect(e['certExpiryDays']).toBe('Must be between 0 and 365 days.');
  });

  it('wants the timeout shorter than the interval, as the server does', () => {
    expect(validate(http({ intervalS: '10', timeoutS: '10' }))['timeoutS']).toBe('Must be shorter than the interval (10 s).');
    expect(validate(http({ intervalS: '10', timeoutS: '9.5' }))['timeoutS']).toBeUndefined();
    expect(validate(http({ timeoutS: '0.05' }))['timeoutS']).toBe('Must be between 0.1 and 120 seconds.');
    expect(validate(http({ timeoutS: 'soon' }))['timeoutS']).toBe('A number between 0.1 and 120 seconds.');
  });

  it('puts row problems on their row: header names, duplicate headers, assertion paths and values', () => {
    const e = validate(
      http({
        headers: [{ name: 'Bad Header', value: 'x' }, { name: 'X-A', value: '1' }, { name: 'x-a', value: '2' }],
        jsonPath: [{ path: 'a..b', op: '==', value: '1' }, { path: 'ok', op: '==', value: '' }, { path: 'ok', op: 'exists', value: '' }],
      }),
    );
    expect(e['headers.0.name']).toBe('Must be an HTTP header name.');
    expect(e['headers.2.name']).toMatch(/already/);
    expect(e['jsonPath.0.path']).toMatch(/not a path/i);
    expect(e['jsonPath.1.value']).toBeDefined();
    expect(e['jsonPath.2.value']).toBeUndefined();
  });

  it('checks status codes, hosts, ports and resolvers per type', () => {
    expect(validate(http({ acceptedStatus: '200, 2xx, 600' }))['acceptedStatus']).toBe('Must be a status code, a range like 200-299, or 2xx.');
    expect(validate({ ...emptyForm('tcp'), name: 'db', host: 'db.lan', port: '70000' })['port']).toBe('Must be between 1 and 65,535.');
    expect(validate({ ...emptyForm('tcp'), name: 'db', host: 'db lan', port: '5432' })['host']).toBe('Must be a hostname or IP address.');
    expect(validate({ ...emptyForm('dns'), name: 'n', hostname: 'example.com', resolver: 'dns.google' })['resolver']).toBe('Must be an IP address, optionally with :port.');
    expect(validate({ ...emptyForm('push'), name: 'job' })).toEqual({});
  });
});

describe('server errors mapped to fields', () => {
  it('reads `body.<path>: message` parts, each onto its field', () => {
    const form = http({ headers: [{ name: 'X-A', value: 'v' }] });
    const e = serverErrors('validation.failed', 'body.timeoutMs: must be shorter than the interval (60000 ms); body.jsonPath.1.path: "a..b" is not a path; body.headers.X-A: Too long', form);
    expect(e).toEqual({ timeoutS: 'Must be shorter than the interval (60000 ms).', 'jsonPath.1.path': '"a..b" is not a path.', 'headers.0.value': 'Too long.' });
  });

  it('takes the unprefixed form of the service too, and keeps what names no field for the form', () => {
    const e = serverErrors('validation.failed', 'url: an http:// or https:// URL; monitor: something odd', http());
    expect(e['url']).toBe('Must be an http:// or https:// URL.');
    expect(e['form']).toBe('monitor: something odd');
  });

  it('puts a taken name on the name field', () => {
    expect(serverErrors('monitor.name_taken', 'A monitor named "Shop" exists.', http())).toEqual({ name: 'A monitor named "Shop" exists.' });
  });

  it('maps schema paths to the fields that show them', () => {
    const form = http();
    expect(fieldOfPath(['maxBodyBytes'], form)).toBe('maxBodyKiB');
    expect(fieldOfPath(['auth', 'token'], form)).toBe('auth.token');
    expect(fieldOfPath(['acceptedStatus', 2], form)).toBe('acceptedStatus');
    expect(fieldOfPath(['keyword', 'value'], form)).toBe('keyword');
    expect(fieldOfPath(['jsonPath', 3, 'value'], form)).toBe('jsonPath.3.value');
  });
});

describe('editing a stored monitor', () => {
  it('fills the form from the view and sends the masked secret back unchanged', () => {
    const view = {
      id: 'm1', createdAt: 1, updatedAt: 1, state: 'up', type: 'http', name: 'Shop', url: 'https://shop.example', method: 'POST', headers: { A: '1' }, body: '{}',
      auth: { kind: 'basic', username: 'u', password: MASKED }, acceptedStatus: ['200-299', '301'], followRedirects: true, maxRedirects: 5, jsonPath: [{ path: 'ok', op: '==', value: true }],
      verifyTls: true, certExpiryDays: 14, keepAlive: true, maxBodyBytes: 2048, intervalS: 30, timeoutMs: 2_500, retries: 2, retryIntervalS: 10, enabled: true, tags: ['a', 'b'],
    } as unknown as MonitorView;
    const form = formOf(view);
    expect(form).toMatchObject({ timeoutS: '2.5', acceptedStatus: '200-299, 301', tags: 'a, b', maxBodyKiB: '2', password: MASKED, authKind: 'basic', keepAlive: true });
    expect(form.jsonPath[0]).toEqual({ path: 'ok', op: '==', value: 'true' });
    expect(validate(form)).toEqual({});
    expect(bodyOf(form)).toMatchObject({ auth: { kind: 'basic', username: 'u', password: MASKED }, timeoutMs: 2_500, maxBodyBytes: 2048, method: 'POST', body: '{}' });
  });
});
