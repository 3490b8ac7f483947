import type { AlertRule, AlertRuleInput, AlertTarget, ResourceType } from '@pulse/protocol';
import { durationText } from './rule-form';

/** A stored rule as the body that saves it unchanged (what a PUT takes). */
export function inputOfRule(r: AlertRule): AlertRuleInput {
  const { id: _id, builtIn: _b, createdAt: _c, updatedAt: _u, ...input } = r;
  return input;
}

export const TYPE_LABEL: Record<ResourceType, string> = {
  host: 'Hosts',
  node: 'Nodes',
  vm: 'VMs',
  'system-container': 'LXC containers',
  'app-container': 'Containers',
  'docker-host': 'Docker hosts',
  storage: 'Storage',
  datastore: 'Datastores',
  backup: 'Backups',
  ceph: 'Ceph',
  disk: 'Disks',
  monitor: 'Monitors',
  app: 'Apps',
};

/** Which resources a rule is about, in words: "Hosts, Nodes · tag ha · 2 resources", or "Everything". */
export function targetText(t: AlertTarget): string {
  const parts: string[] = [];
  if (t.types.length) parts.push(t.types.map((x) => TYPE_LABEL[x] ?? x).join(', '));
  if (t.tags.length) parts.push(`tag ${t.tags.join(', ')}`);
  if (t.resourceIds.length) parts.push(t.resourceIds.length === 1 ? '1 resource' : `${t.resourceIds.length} resources`);
  return parts.join(' · ') || 'Everything';
}

export const forText = (r: Pick<AlertRule, 'forS'>) => (r.forS ? `for ${durationText(r.forS)}` : 'at once');
