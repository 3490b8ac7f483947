import { createSignal, Match, Show, Switch, type JSX } from 'solid-js';
import { createStore } from 'solid-js/store';
import Fingerprint from 'lucide-solid/icons/fingerprint-pattern';
import PlugZap from 'lucide-solid/icons/plug-zap';
import X from 'lucide-solid/icons/x';
import { ApiRequestError } from '../../lib/api';
import { Banner } from '../../ui/Banner';
import { Button, IconButton } from '../../ui/Button';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { TextArea } from '../../ui/TextArea';
import { TextField } from '../../ui/TextField';
import { emptyForm, endpointsOf, errorHints, formOf, inputOf, PRODUCTS, validate, type ConnectionForm as Form, type TlsMode } from './connection-model';
import type { Connection, ConnectionsApi, Fingerprint as FingerprintInfo, TestResult } from './connections-api';

const TLS_MODES: { value: TlsMode; label: string }[] = [
  { value: 'fingerprint', label: 'Trust fingerprint' },
  { value: 'ca', label: 'Custom CA' },
  { value: 'system', label: 'System CAs' },
  { value: 'insecure', label: 'Skip verification' },
];

function Section(props: { title: string; hint?: string; children: JSX.Element }) {
  return (
    <div class="grid gap-x-8 gap-y-3 border-t pt-5 first:border-t-0 first:pt-0 lg:grid-cols-[200px_minmax(0,1fr)]">
      <div>
        <h3 class="text-[13px] font-semibold text-fg">{props.title}</h3>
        <Show when={props.hint}>
          <p class="mt-1 text-xs leading-relaxed text-muted">{props.hint}</p>
        </Show>
      </div>
      <div class="min-w-0 space-y-4">{props.children}</div>
    </div>
  );
}

/** The add / edit form: where the server is, how to sign in, how to trust it; tested before saving. */
export function ConnectionForm(props: { api: ConnectionsApi; editing?: Connection; onClose: () => void; onSaved: (c: Connection) => void }) {
  const [form, setForm] = createStore<Form>(props.editing ? formOf(props.editing) : emptyForm());
  const editing = () => props.editing !== undefined;
  const [showErrors, setShowErrors] = createSignal(false);
  const [saving, setSaving] = createSignal(false);
  const [saveError, setSaveError] = createSignal<string>();
  const [nameTaken, setNameTaken] = createSignal<string>();
  const [testing, setTesting] = createSignal(false);
  const [tested, setTested] = createSignal<TestResult>();
  const [fetching, setFetching] = createSignal(false);
  const [offered, setOffered] = createSignal<FingerprintInfo>();
  const [fetchError, setFetchError] = createSignal<string>();

  const errors = () => validate(form, editing());
  const shown = (key: keyof ReturnType<typeof validate>) => (showErrors() ? errors()[key] : undefined);
  const valid = () => Object.keys(errors()).length === 0;
  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setForm(key, value);
    setTested(undefined);
    if (key === 'name') setNameTaken(undefined);
  };
  const port = () => PRODUCTS.find((p) => p.value === form.product)!.port;
  const secretHint = () => (editing() ? 'Leave blank to keep the stored one.' : undefined);

  const fetchFingerprint = async () => {
    const url = endpointsOf(form)[0];
    setFetchError(undefined);
    setOffered(undefined);
    if (!url) {
      setShowErrors(true);
      return setFetchError('Give the server address first.');
    }
    setFetching(true);
    try {
      setOffered(await props.api.fingerprint(url));
    } catch (err) {
      setFetchError((err as Error).message || 'The server did not answer.');
    } finally {
      setFetching(false);
    }
  };

  const test = async () => {
    setShowErrors(true);
    setTested(undefined);
    // An edit with the secret left blank tests what is stored; anything typed is tested as typed.
    const stored = editing() && !(form.authKind === 'token' ? form.secret : form.password);
    if (!stored && !valid()) return;
    setTesting(true);
    try {
      setTested(await props.api.test(stored ? { id: props.editing!.id } : inputOf(form)));
    } catch (err) {
      setTested({ ok: false, error: { code: err instanceof ApiRequestError ? err.code : 'network.unreachable', message: (err as Error).message } });
    } finally {
      setTesting(false);
    }
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setShowErrors(true);
    setSaveError(undefined);
    if (!valid()) return;
    setSaving(true);
    try {
      const input = inputOf(form);
      props.onSaved(editing() ? await props.api.update(props.editing!.id, input) : await props.api.create(input));
    } catch (err) {
      if (err instanceof ApiRequestError && err.code === 'connection.name_taken') setNameTaken(err.message || 'That name is taken.');
      else setSaveError((err as Error).message || 'The server did not answer.');
    } finally {
      setSaving(false);
    }
  };

  return (
    <section class="rounded-xl border bg-surface shadow-card" data-testid="connection-form">
      <header class="flex min-h-11 items-center gap-2 border-b px-4 py-2.5">
        <h2 class="text-[13px] font-semibold text-fg">{editing() ? `Edit ${props.editing!.name}` : 'Add a connection'}</h2>
        <span class="text-xs text-faint">Pulse only reads: a read-only (PVEAuditor) token is enough</span>
        <div class="ml-auto">
          <IconButton label="Close" onClick={props.onClose} testId="connection-form-close">
            <X size={15} />
          </IconButton>
        </div>
      </header>
      <form class="space-y-5 p-4" onSubmit={(e) => void save(e)} novalidate>
        <Section title="Server" hint="One address per line: for a cluster, give two or three nodes and Pulse fails over between them.">
          <div>
            <div class="mb-1.5 text-[13px] font-medium text-fg">Product</div>
            <SegmentedControl
              label="Product"
              options={PRODUCTS.map((p) => ({ value: p.value, label: p.long }))}
              value={form.product}
              onChange={(v) => set('product', v as Form['product'])}
              testId="connection-product"
            />
          </div>
          <div class="grid gap-4 md:grid-cols-[minmax(0,1fr)_minmax(0,1.6fr)]">
            <TextField
              label="Name"
              value={form.name}
              onValue={(v) => set('name', v)}
              placeholder="homelab"
              error={nameTaken() ?? shown('name')}
              hint="Names the connection in resource ids; keep it short."
              autocomplete="off"
              testId="connection-name"
            />
            <TextArea
              label="Addresses"
              rows={2}
              value={form.endpoints}
              onValue={(v) => set('endpoints', v)}
              placeholder={`https://pve1.lan:${port()}`}
              error={shown('endpoints')}
              hint={`https:// and port ${port()} are added when left out.`}
              testId="connection-endpoints"
            />
          </div>
        </Section>

        <Section title="Sign-in" hint="An API token is best: it needs no password and can be revoked alone.">
          <SegmentedControl
            label="Sign in with"
            options={[
              { value: 'token', label: 'API token' },
              { value: 'password', label: 'User and password' },
            ]}
            value={form.authKind}
            onChange={(v) => set('authKind', v as Form['authKind'])}
            testId="connection-auth-kind"
          />
          <Show
            when={form.authKind === 'token'}
            fallback={
              <div class="grid gap-4 md:grid-cols-2">
                <TextField label="User" value={form.username} onValue={(v) => set('username', v)} placeholder="pulse@pve" error={shown('username')} autocomplete="off" testId="connection-username" />
                <TextField
                  label="Password"
                  type="password"
                  value={form.password}
                  onValue={(v) => set('password', v)}
                  error={shown('password')}
                  hint={secretHint()}
                  autocomplete="new-password"
                  testId="connection-password"
                />
              </div>
            }
          >
            <div class="grid gap-4 md:grid-cols-2">
              <TextField
                label="Token id"
                value={form.tokenId}
                onValue={(v) => set('tokenId', v)}
                placeholder={`pulse@${form.product === 'pbs' ? 'pbs' : 'pve'}!monitor`}
                error={shown('tokenId')}
                autocomplete="off"
                spellcheck={false}
                testId="connection-token-id"
              />
              <TextField
                label="Secret"
                type="password"
                value={form.secret}
                onValue={(v) => set('secret', v)}
                placeholder="xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
                error={shown('secret')}
                hint={secretHint()}
                autocomplete="new-password"
                testId="connection-secret"
              />
            </div>
          </Show>
        </Section>

        <Section title="Certificate" hint="Proxmox uses a self-signed certificate by default: trust its fingerprint once and Pulse refuses any other.">
          <SegmentedControl label="Certificate" options={TLS_MODES} value={form.tlsMode} onChange={(v) => set('tlsMode', v as TlsMode)} testId="connection-tls-mode" />
          <Switch>
            <Match when={form.tlsMode === 'fingerprint'}>
              <div class="flex flex-wrap items-start gap-3">
                <TextField
                  class="min-w-0 flex-1"
                  label="SHA-256 fingerprint"
                  value={form.fingerprint}
                  onValue={(v) => set('fingerprint', v)}
                  placeholder="AB:CD:…"
                  error={shown('fingerprint')}
                  spellcheck={false}
                  testId="connection-fingerprint"
                />
                <div class="pt-[26px]">
                  <Button onClick={() => void fetchFingerprint()} busy={fetching()} testId="connection-fetch-fingerprint">
                    <Fingerprint size={15} />
                    Fetch from server
                  </Button>
                </div>
              </div>
              <Show when={fetchError()}>
                <Banner tone="crit" testId="fingerprint-error">
                  Could not read the certificate: {fetchError()}
                </Banner>
              </Show>
              <Show when={offered()}>
                {(o) => (
                  <div class="space-y-2 rounded-lg border bg-surface-2 p-3 text-[13px]" data-testid="fingerprint-offer">
                    <div class="text-muted">
                      {endpointsOf(form)[0]} presents {o().selfSigned ? 'a self-signed' : 'a'} certificate for <span class="font-medium text-fg">{o().subject ?? 'an unnamed subject'}</span>
                      <Show when={o().validTo}>, valid until {new Date(o().validTo!).toLocaleDateString()}</Show>:
                    </div>
                    <div class="font-mono text-xs break-all text-fg" data-testid="fingerprint-offer-value">
                      {o().fingerprint}
                    </div>
                    <div class="flex flex-wrap items-center gap-3">
                      <Button
                        variant="primary"
                        onClick={() => {
                          set('fingerprint', o().fingerprint);
                          setOffered(undefined);
                        }}
                        testId="connection-trust-fingerprint"
                      >
                        Trust this fingerprint
                      </Button>
                      <span class="text-xs text-muted">Compare it with the node's own (Datacenter → node → System → Certificates) if you can.</span>
                    </div>
                  </div>
                )}
              </Show>
            </Match>
            <Match when={form.tlsMode === 'ca'}>
              <TextArea
                label="CA certificate (PEM)"
                rows={4}
                value={form.ca}
                onValue={(v) => set('ca', v)}
                placeholder="-----BEGIN CERTIFICATE-----"
                error={shown('ca')}
                hint={editing() && props.editing!.tls.ca ? 'A CA is stored; leave blank to keep it.' : 'The certificate of the authority that signed the server certificate.'}
                testId="connection-ca"
              />
            </Match>
            <Match when={form.tlsMode === 'system'}>
              <p class="text-xs text-muted">For a server with a certificate from a public or system-trusted authority (ACME / Let's Encrypt, say).</p>
            </Match>
            <Match when={form.tlsMode === 'insecure'}>
              <Banner tone="warn" title="Anyone on the path can read the token" testId="connection-insecure-warning">
                Pulse will accept any certificate, so a machine in between can pose as the server and capture the token. Use this only on a network you trust,
                and prefer trusting the fingerprint.
              </Banner>
            </Match>
          </Switch>
        </Section>

        <Section title="Polling">
          <div class="flex flex-wrap items-start gap-6">
            <TextField
              class="w-40"
              label="Every (seconds)"
              type="number"
              min="5"
              max="3600"
              inputMode="numeric"
              value={form.intervalSeconds}
              onValue={(v) => set('intervalSeconds', v)}
              error={shown('interval')}
              testId="connection-interval"
            />
            <label class="mt-7 inline-flex cursor-pointer items-center gap-2 text-[13px] text-fg">
              <input type="checkbox" class="size-4 accent-accent" checked={form.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} data-testid="connection-enabled" />
              Enabled
            </label>
          </div>
        </Section>

        <Show when={tested()}>
          {(t) => (
            <Show
              when={t().ok}
              fallback={
                <Banner tone="crit" title={t().error?.message ?? 'The test failed.'} testId="connection-test-result">
                  <span data-testid="connection-test-hint">{t().error?.hint ?? (t().error ? errorHints[t().error!.code] : undefined) ?? 'Check the address and the credentials.'}</span>
                  <span class="ml-1 font-mono text-[11px] text-faint">{t().error?.code}</span>
                </Banner>
              }
            >
              <Banner tone="ok" title="Connected" testId="connection-test-result">
                {[t().product ? PRODUCTS.find((p) => p.value === t().product)?.long : undefined, t().version ? `version ${t().version}` : undefined,
                  Array.isArray(t().nodes) ? `nodes ${(t().nodes as string[]).join(', ')}` : typeof t().nodes === 'number' ? `${t().nodes} nodes` : undefined]
                  .filter(Boolean)
                  .join(' · ')}
              </Banner>
            </Show>
          )}
        </Show>
        <Show when={saveError()}>
          <Banner tone="crit" testId="connection-save-error">
            Could not save: {saveError()}
          </Banner>
        </Show>
        <div class="flex flex-wrap items-center gap-2 border-t pt-4">
          <Button variant="primary" type="submit" busy={saving()} testId="connection-save">
            {editing() ? 'Save changes' : 'Add connection'}
          </Button>
          <Button onClick={() => void test()} busy={testing()} testId="connection-test">
            <PlugZap size={15} />
            Test connection
          </Button>
          <Button variant="ghost" onClick={props.onClose}>
            Cancel
          </Button>
          <Show when={showErrors() && !valid()}>
            <span class="ml-auto text-xs text-crit" data-testid="connection-form-invalid">
              Fix the marked fields first.
            </span>
          </Show>
        </div>
      </form>
    </section>
  );
}
