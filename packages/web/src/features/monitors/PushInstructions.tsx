import { CopyableCode } from '../../ui/CopyableCode';

/** An absolute URL for one the server gave relative to itself. */
export const absoluteUrl = (url: string) => (/^https?:\/\//.test(url) ? url : `${location.origin}${url.startsWith('/') ? '' : '/'}${url}`);

/** The push URL and how to call it from a cron job or script, ready to copy. */
export function PushInstructions(props: { url: string }) {
  const url = () => absoluteUrl(props.url);
  const sep = () => (url().includes('?') ? '&' : '?');
  return (
    <div class="space-y-3 text-[13px]" data-testid="push-instructions">
      <CopyableCode text={url()} label="Copy push URL" testId="push-url" />
      <p class="text-muted">
        Call it when the job succeeds; no call within the interval (plus grace) marks the monitor down. Add <code class="font-mono text-xs text-fg">status=down</code> to report a
        failure, <code class="font-mono text-xs text-fg">msg</code> for a note and <code class="font-mono text-xs text-fg">ping</code> for a duration in ms.
      </p>
      <CopyableCode text={`curl -fsS -m 10 --retry 3 "${url()}${sep()}status=up&msg=OK"`} label="Copy curl command" testId="push-curl" />
      <CopyableCode text={`0 3 * * * /usr/local/bin/backup.sh && curl -fsS -m 10 "${url()}" || curl -fsS -m 10 "${url()}${sep()}status=down&msg=backup%20failed"`} label="Copy crontab line" testId="push-cron" />
    </div>
  );
}
