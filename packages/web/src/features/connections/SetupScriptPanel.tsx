import { createSignal, Show } from 'solid-js';
import FileCode from 'lucide-solid/icons/file-code';
import { Button } from '../../ui/Button';
import { Card } from '../../ui/Card';
import { CopyableCode } from '../../ui/CopyableCode';
import { SegmentedControl } from '../../ui/SegmentedControl';
import { PRODUCTS } from './connection-model';
import { setupScriptPath, type ConnectionsApi, type Product } from './connections-api';

/**
 * How to make the read-only user and token Pulse needs: a script from this server, run as root on
 * the Proxmox host. Fetching it needs a Pulse API token (a session cookie does not travel to curl).
 */
export function SetupScriptPanel(props: { api: ConnectionsApi }) {
  const [product, setProduct] = createSignal<Product>('pve');
  const [preview, setPreview] = createSignal<string>();
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const url = () => `${location.origin}${setupScriptPath(product())}`;
  const command = () => `curl -fsSL -H "Authorization: Bearer $PULSE_TOKEN" -o pulse-setup.sh "${url()}"`;
  const load = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setPreview(await props.api.setupScript(product()));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      title="Setup script"
      hint="creates a read-only user and API token"
      actions={
        <SegmentedControl
          label="Product"
          options={PRODUCTS.map((p) => ({ value: p.value, label: p.label }))}
          value={product()}
          onChange={(v) => {
            setProduct(v as Product);
            setPreview(undefined);
          }}
          testId="setup-script-product"
        />
      }
      testId="setup-script"
    >
      <div class="space-y-3 text-[13px] text-muted">
        <p>
          Run this as root on one node of the {PRODUCTS.find((p) => p.value === product())!.long} server. It creates <span class="font-mono text-xs text-fg">pulse@{product() === 'pbs' ? 'pbs' : 'pve'}</span> with
          the auditor role and an API token, and prints the token id and secret to paste above. <span class="font-mono text-xs text-fg">$PULSE_TOKEN</span> is a Pulse API token
          with read access (<span class="font-mono text-xs text-fg">pulse token create</span>).
        </p>
        <CopyableCode text={command()} label="Copy the download command" testId="setup-script-command" />
        <p>
          Read it, then run it: <span class="font-mono text-xs text-fg">sudo sh pulse-setup.sh</span>
        </p>
        <div class="flex flex-wrap items-center gap-2">
          <Button variant="ghost" class="h-8! px-2.5 text-xs!" onClick={() => (preview() ? setPreview(undefined) : void load())} busy={busy()} testId="setup-script-preview-toggle">
            <FileCode size={14} />
            {preview() ? 'Hide the script' : 'Read the script first'}
          </Button>
          <a href={setupScriptPath(product())} download={`pulse-setup-${product()}.sh`} class="text-xs text-accent hover:underline">
            Download it
          </a>
          <Show when={error()}>
            <span class="text-xs text-crit">{error()}</span>
          </Show>
        </div>
        <Show when={preview()}>
          <pre class="max-h-72 overflow-auto rounded-lg border bg-surface-2 p-3 font-mono text-[12px] leading-relaxed text-fg" data-testid="setup-script-text">
            {preview()}
          </pre>
        </Show>
      </div>
    </Card>
  );
}
