import type { AlertCondition, AlertOverrideInput, AlertRule, AlertRuleInput } from '@pulse/protocol';
import { AlertError } from './alert-errors.js';

/** Whether `clear` lies on the side of `trigger` where the condition no longer holds (equal: no hysteresis). */
export const clearsOnRightSide = (op: '>' | '<', trigger: number, clear: number): boolean => (op === '>' ? clear <= trigger : clear >= trigger);

function checkThreshold(op: '>' | '<', trigger: number, clear: number, where: string): void {
  if (clearsOnRightSide(op, trigger, clear)) return;
  const side = op === '>' ? 'at or below' : 'at or above';
  throw new AlertError('validation.failed', `${where}: clear (${clear}) must be ${side} trigger (${trigger}) for "${op}", or the alert would clear while it still fires.`);
}

/**
 * Metric names resources have reported, so a rule on a typo ("cpu_usage") is refused instead of never
 * firing. Capped: metric keys come from sources, and a source inventing keys must not grow this forever.
 */
export function createSeenMetrics(limit = 20_000) {
  const seen = new Set<string>();
  return {
    record(metrics: Record<string, number>): void {
      for (const key of Object.keys(metrics)) if (seen.size < limit || seen.has(key)) seen.add(key);
    },
    has: (key: string): boolean => seen.has(key),
    all: (): string[] => [...seen],
  };
}
export type SeenMetrics = ReturnType<typeof createSeenMetrics>;

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The known names closest to `name`: shared parts first ("cpu_usage" → "cpu"), then by edit distance. */
export function closestNames(name: string, known: Iterable<string>, count = 5): string[] {
  const lower = name.toLowerCase();
  const parts = lower.split(/[._\-\s]+/).filter(Boolean);
  return [...new Set(known)]
    .map((k) => {
      const kl = k.toLowerCase();
      const shared = kl.includes(lower) || lower.includes(kl) || parts.some((p) => kl.split(/[._-]+/).includes(p));
      return { k, score: editDistance(lower, kl) - (shared ? 100 : 0) };
    })
    .filter((c) => c.score <= Math.max(3, Math.floor(name.length / 2)))
    .sort((a, b) => a.score - b.score || a.k.localeCompare(b.k))
    .slice(0, count)
    .map((c) => c.k);
}

const metricOf = (condition: AlertCondition): string | undefined =>
  condition.kind === 'threshold' || condition.kind === 'increase' ? condition.metric : undefined;

/** Refuses what zod cannot see: impossible thresholds and metrics no resource has. */
export function validateRule(input: AlertRuleInput, isKnownMetric: (key: string) => boolean, knownMetrics: () => string[]): void {
  const { condition } = input;
  if (condition.kind === 'threshold') checkThreshold(condition.op, condition.trigger, condition.clear, 'condition');
  const metric = metricOf(condition);
  if (metric !== undefined && !isKnownMetric(metric)) {
    const close = closestNames(metric, knownMetrics());
    const hint = close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : ' No resource has reported metrics yet.';
    throw new AlertError('alert.unknown_metric', `No resource reports a metric named "${metric}".${hint}`);
  }
}

/** A threshold override must name a threshold rule and keep its clear on the right side for that rule's op. */
export function validateOverride(input: AlertOverrideInput, ruleOf: (id: string) => AlertRule | undefined): void {
  if (input.ruleId === undefined) return;
  const rule = ruleOf(input.ruleId);
  if (!rule) throw new AlertError('validation.failed', `ruleId: no alert rule "${input.ruleId}".`);
  if (input.mode !== 'threshold') return;
  if (rule.condition.kind !== 'threshold') {
    throw new AlertError('validation.failed', `ruleId: "${rule.name}" is a ${rule.condition.kind} rule; only threshold rules take other thresholds.`);
  }
  checkThreshold(rule.condition.op, input.trigger!, input.clear!, 'override');
}

/** Metric names the built-in rules use count as known: a rule on temperatures may come before the first sensor. */
export const metricsOfRules = (rules: Array<{ condition: AlertCondition }>): string[] =>
  rules.map((r) => metricOf(r.condition)).filter((m): m is string => m !== undefined);
