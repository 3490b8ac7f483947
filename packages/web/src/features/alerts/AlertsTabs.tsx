import { TabLinks } from '../../ui/TabLinks';
import { useAlerts } from './store';

/** The views of the alerts area: what is open now, what happened, and how alerts are made and sent. */
export function AlertsTabs() {
  const store = useAlerts();
  const open = () => store.counts().open;
  return (
    <TabLinks
      label="Alerts"
      tabs={[
        { href: '/alerts', label: 'Active', count: store.state.ready && !store.state.unavailable ? open() : undefined, countTone: store.counts().firing ? (store.counts().bySeverity.critical ? 'crit' : 'warn') : undefined, testId: 'alerts-tab-active' },
        { href: '/alerts/history', label: 'History', testId: 'alerts-tab-history' },
        { href: '/alerts/rules', label: 'Rules', testId: 'alerts-tab-rules' },
        { href: '/alerts/channels', label: 'Channels', testId: 'alerts-tab-channels' },
        { href: '/alerts/deliveries', label: 'Deliveries', testId: 'alerts-tab-deliveries' },
        { href: '/alerts/settings', label: 'Settings', testId: 'alerts-tab-settings' },
      ]}
    />
  );
}
