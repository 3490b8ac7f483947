import type { AlertOverrideInput, AlertRule } from '@pulse/protocol';
import { A } from '@solidjs/router';
import { createMemo, createSignal, For, Show } from 'solid-js';
import Plus from 'lucide-solid/icons/plus';
import ShieldCheck from 'lucide-solid/icons/shield-check';
import X from 'lucide-solid/icons/x';
import { createNow } from '../../lib/now';
import { createPoll } from '../../lib/poll';
import { Button, IconButton } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { SelectField } from '../../ui/SelectField';
import { TextField } from '../../ui/TextField';
import { useSession } from '../auth/session';
import { useResources } from '../infrastructure/store';
import { canWriteSettings } from './AlertActions';
import { compareAlerts } from './alert-model';
import { isMissingEndpoint, type AlertOverride } from './alerts-api';
import { AlertItem } from './AlertItem';
import { conditionText, hysteresisError } from './rule-form';
import { useAlerts } from './store';

type Mode = AlertOverrideInput['mode'];
const MODE_TEXT: Record<Mode, string> = { 'no-alerts': 'No alerts', 'monitor-only': 'Monitor only', threshold: 'Custom threshold' };

/** An override in words: "No alerts from any rule", "CPU usage: fires above 95, clears at 90". */
function overrideText(o: AlertOverride, rule: AlertRule | undefined): string {
  const name = o.ruleId ? (rule?.name ?? o.ruleId) : 'every rule';
  if (o.mode === 'no-alerts') return `No alerts from ${name}`;
  if (o.mode === 'monitor-only') return `Monitor only for ${name}: recorded, never sent`;
  const op = rule?.condition.kind === 'threshold' ? rule.condition.op : '>';
  return `${name}: fires ${op === '>' ? 'above' : 'below'} ${o.trigger}, clears at ${o.clear}`;
}

/**
 * The alerts of one resource and its exceptions (no alerts, monitor only, its own threshold for a
 * rule), for any resource page: `<ResourceAlertsCard resourceId={r.id} />`.
 */
export function ResourceAlertsCard(props: { resourceId: string }) {
  const store = useAlerts();
  const resources = useResources();
  const session = useSession();
  const canEdit = () => canWriteSettings(session.info()?.scopes);
  const now = createNow(5_000);
  const resource = () => resources.get(props.resourceId);
  const open = createMemo(() => store.forResource(props.resourceId).sort(compareAlerts));
  const data = createPoll(async (signal) => {
    try {
      const [rules, overrides] = await Promise.all([store.api.rules.list(signal), store.api.overrides.list(signal)]);
      return { rules, overrides };
    } catch (err) {
      if (isMissingEndpoint(err)) return { missing: true as const, rules: [] as AlertRule[], overrides: [] as AlertOverride[] };
      throw err;
    }
  }, 60_000);
  const rules = createMemo(() => {
    const type = resource()?.type;
    return (data.value()?.rules ?? []).filter((r) => r.enabled && (r.target.types.length === 0 || (type !== undefined && r.target.types.includes(type)))).sort((a, b) => a.name.localeCompare(b.name));
  });
  const ruleOf = (id: string | undefined) => (id ? data.value()?.rules.find((r) => r.id === id) : undefined);
  const overrides = createMemo(() => (data.value()?.overrides ?? []).filter((o) => o.scope.kind === 'resource' && o.scope.resourceId === props.resourceId));

  const [adding, setAdding] = createSignal(false);
  const [mode, setMode] = createSignal<Mode>('no-alerts');
  const [ruleId, setRuleId] = createSignal('');
  const [trigger, setTrigger] = createSignal('');
  const [clear, setClear] = createSignal('');
  const [tried, setTried] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const thresholdRules = () => rules().filter((r) => r.condition.kind === 'threshold');
  const chosen = () => ruleOf(ruleId());
  const chosenOp = () => (chosen()?.condition.kind === 'threshold' ? (chosen()!.condition as { op: '>' | '<' }).op : '>');
  const fieldErrors = createMemo(() => {
    const e: Record<string, string> = {};
    if (mode() !== 'threshold') return e;
    if (!ruleId()) e['rule'] = 'Pick the threshold rule to change.';
    const t = trigger().trim() === '' ? Number.NaN : Number(trigger());
    const c = clear().trim() === '' ? Number.NaN : Number(clear());
    if (!Number.isFinite(t)) e['trigger'] = 'A number.';
    if (!Number.isFinite(c)) e['clear'] = 'A number.';
    const h = hysteresisError(chosenOp(), t, c);
    if (h) e['clear'] = h;
    return e;
  });
  const startAdd = () => {
    setMode('no-alerts');
    setRuleId('');
    setTrigger('');
    setClear('');
    setTried(false);
    setError(undefined);
    setAdding(true);
  };
  const pickRule = (id: string) => {
    setRuleId(id);
    const r = ruleOf(id);
    if (r?.condition.kind === 'threshold' && mode() === 'threshold') {
      setTrigger(String(r.condition.trigger));
      setClear(String(r.condition.clear));
    }
  };
  const save = async () => {
    setTried(true);
    if (Object.keys(fieldErrors()).length) return;
    setBusy(true);
    setError(undefined);
    try {
      const body: AlertOverrideInput = {
        scope: { kind: 'resource', resourceId: props.resourceId },
        mode: mode(),
        ...(ruleId() ? { ruleId: ruleId() } : {}),
        ...(mode() === 'threshold' ? { trigger: Number(trigger()), clear: Number(clear()) } : {}),
      };
      await store.api.overrides.create(body);
      setAdding(false);
      await data.refresh();
    } catch (err) {
      setError((err as Error).message || 'The server did not answer.');
    } finally {
      setBusy(false);
    }
  };
  const remove = async (o: AlertOverride) => {
    setError(undefined);
    try {
      await store.api.overrides.remove(o.id);
      await data.refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <Card
      title="Alerts"
      hint={open().length ? `${open().length} open` : undefined}
      actions={
        <Show when={canEdit() && !data.value()?.missing && !adding()}>
          <Button variant="ghost" class="h-7! px-2 text-xs!" onClick={startAdd} testId="resource-alerts-add">
            <Plus size={13} />
            Add exception
          </Button>
        </Show>
      }
      flush
      testId="resource-alerts"
    >
      <Show
        when={open().length}
        fallback={
          <div class="flex items-center gap-2.5 px-4 py-3 text-[13px] text-muted" data-testid="resource-alerts-quiet">
            <ShieldCheck size={15} class="text-ok" />
            No open alerts.
            <A href="/alerts/rules" class="ml-auto text-xs text-faint hover:text-fg">
              {rules().length ? `${rules().length} rules apply` : 'Rules'}
            </A>
          </div>
        }
      >
        <ul class="divide-y" data-testid="resource-alerts-open">
          <For each={open()}>{(a) => <AlertItem alert={a} now={now()} />}</For>
        </ul>
      </Show>
      <Show when={overrides().length || adding()}>
        <div class="space-y-2 border-t px-4 py-3" data-testid="resource-overrides">
          <div class="text-[11px] font-medium tracking-wide text-faint uppercase">Exceptions for this resource</div>
          <For each={overrides()}>
            {(o) => (
              <div class="flex items-center gap-2 text-[13px] text-fg" data-testid="resource-override" data-mode={o.mode}>
                <span class="rounded-md bg-surface-2 px-1.5 py-0.5 text-[11px] font-medium text-muted">{MODE_TEXT[o.mode]}</span>
                <span class="min-w-0 flex-1 truncate">{overrideText(o, ruleOf(o.ruleId))}</span>
                <Show when={canEdit()}>
                  <IconButton label="Remove this exception" onClick={() => void remove(o)} testId="resource-override-remove">
                    <X size={14} />
                  </IconButton>
                </Show>
              </div>
            )}
          </For>
          <Show when={adding()}>
            <div class="space-y-3 rounded-lg border bg-surface-2 p-3" data-testid="resource-override-form">
              <SegmentedControl
                label="Exception"
                options={(['no-alerts', 'monitor-only', 'threshold'] as const).map((m) => ({ value: m, label: MODE_TEXT[m] }))}
                value={mode()}
                onChange={(v) => {
                  setMode(v as Mode);
                  if (v === 'threshold' && ruleId() && ruleOf(ruleId())?.condition.kind !== 'threshold') setRuleId('');
                  pickRule(ruleId());
                }}
                testId="resource-override-mode"
              />
              <p class="text-xs text-muted">
                {mode() === 'no-alerts'
                  ? 'Pulse raises no alerts about this resource (from one rule, or any).'
                  : mode() === 'monitor-only'
                    ? 'Alerts are raised and kept in the history, but nothing is sent.'
                    : 'This resource gets its own trigger and clear levels for one threshold rule.'}
              </p>
              <SelectField
                label="Rule"
                value={ruleId()}
                options={[
                  ...(mode() === 'threshold' ? [{ value: '', label: 'Pick a threshold rule…' }] : [{ value: '', label: 'Every rule' }]),
                  ...(mode() === 'threshold' ? thresholdRules() : rules()).map((r) => ({ value: r.id, label: `${r.name} (${conditionText(r.condition)})` })),
                ]}
                onChange={pickRule}
                error={tried() ? fieldErrors()['rule'] : undefined}
                id="resource-override-rule"
                testId="resource-override-rule"
              />
              <Show when={mode() === 'threshold'}>
                <div class="grid gap-3 sm:grid-cols-2">
                  <TextField label="Trigger" type="number" step="any" value={trigger()} onValue={setTrigger} error={tried() ? fieldErrors()['trigger'] : undefined} id="resource-override-trigger" testId="resource-override-trigger" />
                  <TextField label="Clear" type="number" step="any" value={clear()} onValue={setClear} error={tried() ? fieldErrors()['clear'] : undefined} hint={`Clears ${chosenOp() === '>' ? 'at or below' : 'at or above'} this level.`} id="resource-override-clear" testId="resource-override-clear" />
                </div>
              </Show>
              <div class="flex gap-2">
                <Button variant="primary" class="h-8! text-xs!" busy={busy()} onClick={() => void save()} testId="resource-override-save">
                  Add exception
                </Button>
                <Button variant="ghost" class="h-8! text-xs!" onClick={() => setAdding(false)}>
                  Cancel
                </Button>
              </div>
            </div>
          </Show>
        </div>
      </Show>
      <Show when={error()}>
        <p class="border-t px-4 py-2.5 text-xs text-crit" data-testid="resource-alerts-error">
          {error()}
        </p>
      </Show>
    </Card>
  );
}
