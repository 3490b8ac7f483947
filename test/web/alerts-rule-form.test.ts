import { describe, expect, it } from 'vitest';
import { AlertRuleInput, type AlertRule } from '../../packages/protocol/src/alert.ts';
import {
  durationOf, emptyRuleForm, hysteresisError, metricsSeen, ruleBodyOf, ruleFormOf, ruleServerErrors, suggestMetrics, validateRule, type RuleForm,
} from '../../packages/web/src/features/alerts/rule-form.ts';

const threshold = (over: Partial<RuleForm> = {}): RuleForm => ({ ...emptyRuleForm(), name: 'CPU hot', metric: 'cpu', trigger: '90', clear: '80', types: ['host'], ...over });

describe('alert rule form (before sending)', () => {
  it('turns a complete threshold form into a body the protocol schema takes', () => {
    const form = threshold({ tags: 'prod, ha', forDuration: { n: '5', unit: 'min' }, renotify: { n: '2', unit: 'h' } });
    expect(validateRule(form)).toEqual({});
    const body = ruleBodyOf(form);
    expect(AlertRuleInput.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({ condition: { kind: 'threshold', metric: 'cpu', op: '>', trigger: 90, clear: 80 }, target: { types: ['host'], tags: ['prod', 'ha'] }, forS: 300, renotifyS: 7200 });
  });

  it('refuses a clear level on the wrong side of the trigger and explains hysteresis', () => {
    expect(validateRule(threshold({ clear: '95' }))['clear']).toMatch(/at or below the trigger \(90\)/);
    expect(validateRule(threshold({ op: '<', trigger: '14', clear: '10' }))['clear']).toMatch(/at or above the trigger \(14\)/);
    expect(validateRule(threshold({ op: '<', trigger: '14', clear: '15' }))).toEqual({});
    expect(hysteresisError('>', 90, 90)).toBeUndefined();
  });

  it('asks for what each condition kind needs', () => {
    expect(validateRule(threshold({ metric: '', trigger: 'x' }))).toMatchObject({ metric: expect.any(String), trigger: expect.any(String) });
    expect(validateRule({ ...threshold(), kind: 'status', statuses: [] })['statuses']).toBeDefined();
    expect(validateRule({ ...threshold(), kind: 'detail', path: '', values: '' })).toMatchObject({ path: expect.any(String), values: expect.any(String) });
    expect(validateRule({ ...threshold(), kind: 'increase', metric: 'restarts', increase: '0' })['increase']).toBe('A number above 0.');
    expect(validateRule(threshold({ forDuration: { n: '2', unit: 'd' } }))['forDuration']).toBe('Must be between 0 s and 1 d.');
    expect(validateRule(threshold({ escalateAfter: { n: '10', unit: 'min' } }))['escalateTo']).toMatch(/channels to escalate to/);
  });

  it('reads detail values as booleans and numbers where they look like them', () => {
    const body = ruleBodyOf({ ...threshold(), kind: 'detail', path: 'oomKilled', values: 'true, 3, unhealthy' });
    expect(body.condition).toEqual({ kind: 'detail', path: 'oomKilled', values: [true, 3, 'unhealthy'] });
  });

  it('round-trips a stored rule through the form', () => {
    const rule: AlertRule = {
      id: 'builtin:backup-age', builtIn: true, createdAt: 1, updatedAt: 1, name: 'Backup too old', enabled: true, severity: 'warning',
      target: { types: ['vm', 'system-container'], tags: [], resourceIds: [] }, condition: { kind: 'age', path: 'lastBackup.time', maxAgeS: 7 * 86_400, missingFires: true },
      forS: 0, channels: [], renotifyS: 86_400, escalateAfterS: 0, escalateTo: [],
    };
    const form = ruleFormOf(rule);
    expect(form.maxAge).toEqual({ n: '7', unit: 'd' });
    expect(form.renotify).toEqual({ n: '1', unit: 'd' });
    const { id: _i, builtIn: _b, createdAt: _c, updatedAt: _u, ...input } = rule;
    expect(ruleBodyOf(form)).toEqual(input);
    expect(durationOf(90)).toEqual({ n: '90', unit: 's' });
  });
});

describe('server refusals mapped to fields', () => {
  it('puts alert.unknown_metric on the metric and offers the names the server suggests', () => {
    const message = 'No resource reports a metric named "cpu_usage". Did you mean "cpu", "cpu.iowait"?';
    expect(ruleServerErrors('alert.unknown_metric', message, { kind: 'threshold' })).toEqual({ metric: message });
    expect(suggestMetrics(message, 'cpu_usage', ['mem.percent'])).toEqual(['cpu', 'cpu.iowait']);
    expect(suggestMetrics('No resource reports a metric named "mem.pct".', 'mem.pct', ['mem.percent', 'disk.percent', 'load1'])).toContain('mem.percent');
  });

  it('reads validation.failed parts onto their fields, the hysteresis check onto clear', () => {
    const e = ruleServerErrors('validation.failed', 'body.name: too small; body.condition.windowS: expected a positive number; condition: clear (95) must be at or below trigger (90)', { kind: 'threshold' });
    expect(e).toEqual({ name: 'Too small.', window: 'Expected a positive number.', clear: 'Clear (95) must be at or below trigger (90).' });
    expect(ruleServerErrors('validation.failed', 'something odd', { kind: 'status' })).toEqual({ form: 'something odd' });
  });

  it('offers the metrics seen on resources of the chosen types', () => {
    const rs = [
      { type: 'host' as const, metrics: { cpu: 1, 'mem.percent': 2 } },
      { type: 'app-container' as const, metrics: { restarts: 0, cpu: 3 } },
    ];
    expect(metricsSeen(rs, ['app-container'])).toEqual(['cpu', 'restarts']);
    expect(metricsSeen(rs, [])).toEqual(['cpu', 'mem.percent', 'restarts']);
  });
});
