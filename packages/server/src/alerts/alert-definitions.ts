import { randomUUID } from 'node:crypto';
import { type AlertOverrideInput, type AlertRule, type AlertRuleInput, AlertSettings } from '@pulse/protocol';
import type { Logger } from 'pino';
import type { StoredAlertOverride } from '../store/alert-rules.js';
import type { StateStore } from '../store/index.js';
import { AlertError } from './alert-errors.js';
import { metricsOfRules, type SeenMetrics, validateOverride, validateRule } from './alert-validation.js';

export const SETTINGS_KEY = 'alert_settings';
const BUILTIN_PREFIX = 'builtin:';

export interface AlertDefinitionsOptions {
  store: Pick<StateStore, 'alertRules' | 'alertOverrides' | 'settings' | 'audit'>;
  /** the shipped rules (alerts/defaults.ts), ids `builtin:<name>` */
  builtIns: AlertRule[];
  seen: SeenMetrics;
  now: () => number;
  logger: Logger;
}

/**
 * Rules, overrides and settings: kept in memory for the engine (which reads them synchronously on
 * every evaluation) and written through to the store on every change, with an audit entry.
 * Built-ins are listed from code unless edited; an edit is stored whole under the built-in's id.
 */
export async function loadAlertDefinitions(options: AlertDefinitionsOptions) {
  const { store, seen, now, logger } = options;
  const shipped = new Map(options.builtIns.map((r) => [r.id, { ...r, builtIn: true }]));
  let stored = await store.alertRules.list();
  let overrides = await store.alertOverrides.list();
  let settings = parseSettings(await store.settings.get(SETTINGS_KEY), logger);
  let rules = merge();
  const builtInMetrics = new Set(metricsOfRules(options.builtIns));

  function merge(): AlertRule[] {
    const edits = new Map(stored.filter((r) => r.builtIn).map((r) => [r.id, r]));
    return [...[...shipped.values()].map((r) => edits.get(r.id) ?? r), ...stored.filter((r) => !r.builtIn)];
  }
  const reload = async (): Promise<void> => {
    stored = await store.alertRules.list();
    rules = merge();
  };
  const audit = (actor: string, action: string, target: string, detail?: Record<string, unknown>) =>
    store.audit.record({ at: now(), actor, action, target, ...(detail ? { detail } : {}) });
  const ruleOf = (id: string): AlertRule | undefined => rules.find((r) => r.id === id);
  const getRule = (id: string): AlertRule => {
    const rule = ruleOf(id);
    if (!rule) throw new AlertError('rule.not_found', `No alert rule "${id}".`);
    return rule;
  };
  const isKnownMetric = (key: string) => seen.has(key) || builtInMetrics.has(key);
  const knownMetrics = () => [...new Set([...seen.all(), ...builtInMetrics])];

  return {
    rules: (): AlertRule[] => rules,
    overrides: (): StoredAlertOverride[] => overrides,
    settings: (): AlertSettings => settings,
    getRule,
    async createRule(input: AlertRuleInput, actor: string): Promise<AlertRule> {
      validateRule(input, isKnownMetric, knownMetrics);
      const at = now();
      const rule: AlertRule = { ...input, id: randomUUID(), builtIn: false, createdAt: at, updatedAt: at };
      await store.alertRules.save(rule);
      await reload();
      await audit(actor, 'alert_rule.create', rule.id, { name: rule.name });
      return getRule(rule.id);
    },
    /** A built-in keeps its id and `builtIn: true`; only its definition changes. */
    async updateRule(id: string, input: AlertRuleInput, actor: string): Promise<AlertRule> {
      const current = getRule(id);
      validateRule(input, (key) => isKnownMetric(key) || key === metricOf(current), knownMetrics);
      // The engine notices an edit by updatedAt: two edits within one millisecond must still differ.
      const rule: AlertRule = { ...input, id, builtIn: current.builtIn, createdAt: current.createdAt, updatedAt: Math.max(now(), current.updatedAt + 1) };
      await store.alertRules.save(rule);
      await reload();
      await audit(actor, 'alert_rule.update', id, { name: rule.name, enabled: rule.enabled });
      return getRule(id);
    },
    async removeRule(id: string, actor: string): Promise<void> {
      const rule = getRule(id);
      if (rule.builtIn || id.startsWith(BUILTIN_PREFIX)) {
        throw new AlertError('rule.builtin', `"${rule.name}" is a built-in rule and cannot be deleted; disable it instead (PUT with enabled: false).`);
      }
      await store.alertRules.remove(id);
      await reload();
      await audit(actor, 'alert_rule.delete', id, { name: rule.name });
    },
    async createOverride(input: AlertOverrideInput, actor: string): Promise<StoredAlertOverride> {
      validateOverride(input, ruleOf);
      const override: StoredAlertOverride = { ...input, id: randomUUID() };
      await store.alertOverrides.insert(override, now());
      overrides = await store.alertOverrides.list();
      await audit(actor, 'alert_override.create', override.id, { scope: input.scope, mode: input.mode });
      return override;
    },
    async removeOverride(id: string, actor: string): Promise<void> {
      if (!(await store.alertOverrides.remove(id))) throw new AlertError('override.not_found', `No alert override "${id}".`);
      overrides = await store.alertOverrides.list();
      await audit(actor, 'alert_override.delete', id);
    },
    async putSettings(next: AlertSettings, actor: string): Promise<AlertSettings> {
      await store.settings.set(SETTINGS_KEY, JSON.stringify(next));
      settings = next;
      await audit(actor, 'alert_settings.update', SETTINGS_KEY, next);
      return settings;
    },
  };
}
export type AlertDefinitions = Awaited<ReturnType<typeof loadAlertDefinitions>>;

const metricOf = (rule: AlertRule): string | undefined =>
  rule.condition.kind === 'threshold' || rule.condition.kind === 'increase' ? rule.condition.metric : undefined;

/** Stored settings written by an older version may lack newer keys: the schema fills in defaults. */
function parseSettings(raw: string | undefined, logger: Logger): AlertSettings {
  if (raw === undefined) return AlertSettings.parse({});
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  const parsed = AlertSettings.safeParse(json);
  if (parsed.success) return parsed.data;
  logger.warn({ issues: parsed.error.issues }, 'stored alert settings are invalid; using the defaults until they are saved again');
  return AlertSettings.parse({});
}
