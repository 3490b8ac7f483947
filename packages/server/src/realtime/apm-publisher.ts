import type { Hub } from '@pulse/hub';
import type { ApmAppView } from '@pulse/protocol';
import type { Logger } from 'pino';

interface ApmChanges {
  subscribe(listener: (apps: string[]) => void): () => void;
  view(app: string, period: '1h'): ApmAppView | undefined;
}

/**
 * Publishes each app that changed in a shared APM tick on `app:<name>`: one view per app per tick,
 * built once whatever the number of viewers (never a poll per browser). Published whether or not
 * anyone here watches: with the Redis broker a viewer may be on another server.
 */
export function publishApmChanges(apm: ApmChanges, hub: Hub, logger: Logger): () => void {
  return apm.subscribe((apps) => {
    for (const app of apps) {
      const channel = `app:${app}`;
      const view = apm.view(app, '1h');
      if (view) hub.publish(channel, view).catch((err: unknown) => logger.warn({ err, channel }, 'could not publish an app view'));
    }
  });
}
