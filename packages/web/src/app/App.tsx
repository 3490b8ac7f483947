import { Navigate, Route, Router, useLocation, type RouteSectionProps } from '@solidjs/router';
import { lazy, Match, Switch } from 'solid-js';
import ServerCrash from 'lucide-solid/icons/server-crash';
import Compass from 'lucide-solid/icons/compass';
import { LoginPage } from '../features/auth/LoginPage';
import { SessionProvider, useSession } from '../features/auth/session';
import { SetupPage } from '../features/auth/SetupPage';
import { InfrastructurePage } from '../features/infrastructure/InfrastructurePage';
import { AlertsProvider } from '../features/alerts/store';
import { AppsProvider } from '../features/apps/store';
import { ResourcesProvider } from '../features/infrastructure/store';
import { ThemeProvider } from '../lib/theme';
import { Button } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { Logo } from '../ui/Logo';
import { Spinner } from '../ui/Spinner';
import { LiveProvider } from './live';
import { ResourceRoute } from './ResourceRoute';
import { Shell } from './Shell';

const StoragePage = lazy(() => import('../features/system/StoragePage'));
const WorkloadsPage = lazy(() => import('../features/workloads/WorkloadsPage'));
const AgentsPage = lazy(() => import('../features/agents/AgentsPage'));
const ConnectionsPage = lazy(() => import('../features/connections/ConnectionsPage'));
const NodesPage = lazy(() => import('../features/proxmox/NodesPage'));
const GuestsPage = lazy(() => import('../features/proxmox/GuestsPage'));
const ProxmoxStoragePage = lazy(() => import('../features/proxmox/ProxmoxStoragePage'));
const BackupsPage = lazy(() => import('../features/proxmox/BackupsPage'));
const CephPage = lazy(() => import('../features/proxmox/CephPage'));
const MonitorsPage = lazy(() => import('../features/monitors/MonitorsPage'));
const MonitorDetailPage = lazy(() => import('../features/monitors/MonitorDetailPage'));
const MonitorFormPage = lazy(() => import('../features/monitors/MonitorFormPage'));
const MaintenancePage = lazy(() => import('../features/monitors/MaintenancePage'));
const StatusPagesPage = lazy(() => import('../features/monitors/StatusPagesPage'));
const AlertsPage = lazy(() => import('../features/alerts/AlertsPage'));
const AlertHistoryPage = lazy(() => import('../features/alerts/HistoryPage'));
const AlertRulesPage = lazy(() => import('../features/alerts/RulesPage'));
const AlertRuleFormPage = lazy(() => import('../features/alerts/RuleFormPage'));
const AlertChannelsPage = lazy(() => import('../features/alerts/ChannelsPage'));
const AlertDeliveriesPage = lazy(() => import('../features/alerts/DeliveriesPage'));
const AlertSettingsPage = lazy(() => import('../features/alerts/SettingsPage'));
const AppsPage = lazy(() => import('../features/apps/AppsPage'));
const AppDetailPage = lazy(() => import('../features/apps/AppDetailPage'));
const PublicStatusPage = lazy(() => import('../features/status-page/PublicStatusPage'));

/** Pages anyone may open: no session check, no dashboard around them. */
const isPublicPath = (path: string) => path.startsWith('/status/');

function Splash() {
  return (
    <div class="flex min-h-screen flex-col items-center justify-center gap-5" data-testid="app-loading">
      <Logo size={30} />
      <Spinner class="text-faint" />
    </div>
  );
}

function Unreachable() {
  const session = useSession();
  return (
    <div class="flex min-h-screen items-center justify-center" data-testid="server-unreachable">
      <EmptyState
        tone="error"
        icon={<ServerCrash size={20} />}
        title="Can't reach the Pulse server"
        action={<Button onClick={() => session.retry()}>Try again now</Button>}
      >
        The dashboard will reconnect by itself as soon as the server answers. If it stays down, check that `pulse serve` is running.
      </EmptyState>
    </div>
  );
}

/** Decides what a visitor may see before any page renders: setup, sign-in or the app. */
function Root(props: RouteSectionProps) {
  const session = useSession();
  const location = useLocation();
  return (
    <Switch fallback={props.children}>
      <Match when={isPublicPath(location.pathname)}>{props.children}</Match>
      <Match when={session.status() === 'loading'}>
        <Splash />
      </Match>
      <Match when={session.status() === 'unreachable'}>
        <Unreachable />
      </Match>
    </Switch>
  );
}

function SignedIn(props: RouteSectionProps) {
  const session = useSession();
  // A socket upgrade with an ended session fails as a plain HTTP 401, which the socket sees only as
  // a lost connection; so while it keeps reconnecting, ask the API (at most every 5 s) whether the
  // session still holds.
  let lastCheck = 0;
  const onReconnecting = () => {
    if (Date.now() - lastCheck < 5_000) return;
    lastCheck = Date.now();
    void session.revalidate();
  };
  const location = useLocation();
  const loginHref = () => (location.pathname === '/' ? '/login' : `/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  return (
    <Switch>
      <Match when={session.status() === 'setup'}>
        <Navigate href="/setup" />
      </Match>
      <Match when={session.status() === 'signed-out'}>
        <Navigate href={loginHref()} />
      </Match>
      <Match when={session.status() === 'signed-in'}>
        <LiveProvider api={session.api} onSessionGone={session.expire} onReconnecting={onReconnecting}>
          <ResourcesProvider>
            <AlertsProvider>
              <AppsProvider>
                <Shell>{props.children}</Shell>
              </AppsProvider>
            </AlertsProvider>
          </ResourcesProvider>
        </LiveProvider>
      </Match>
    </Switch>
  );
}

function NotFound() {
  return (
    <EmptyState icon={<Compass size={20} />} title="Page not found" action={<Button onClick={() => history.back()}>Go back</Button>}>
      There is nothing at this address.
    </EmptyState>
  );
}

export function App() {
  return (
    <ThemeProvider>
      <SessionProvider>
        <Router root={Root}>
          <Route path="/setup" component={SetupPage} />
          <Route path="/login" component={LoginPage} />
          <Route path="/status/:slug" component={PublicStatusPage} />
          <Route path="/" component={SignedIn}>
            <Route path="/" component={InfrastructurePage} />
            <Route path="/workloads" component={WorkloadsPage} />
            <Route path="/resources/:id" component={ResourceRoute} />
            <Route path="/proxmox" component={() => <Navigate href="/proxmox/nodes" />} />
            <Route path="/proxmox/nodes" component={NodesPage} />
            <Route path="/proxmox/guests" component={GuestsPage} />
            <Route path="/proxmox/storage" component={ProxmoxStoragePage} />
            <Route path="/proxmox/backups" component={BackupsPage} />
            <Route path="/proxmox/ceph" component={CephPage} />
            <Route path="/uptime" component={MonitorsPage} />
            <Route path="/uptime/new" component={MonitorFormPage} />
            <Route path="/uptime/maintenance" component={MaintenancePage} />
            <Route path="/uptime/status-pages" component={StatusPagesPage} />
            <Route path="/uptime/:id" component={MonitorDetailPage} />
            <Route path="/uptime/:id/edit" component={MonitorFormPage} />
            <Route path="/apps" component={AppsPage} />
            <Route path="/apps/:app" component={AppDetailPage} />
            <Route path="/alerts" component={AlertsPage} />
            <Route path="/alerts/history" component={AlertHistoryPage} />
            <Route path="/alerts/rules" component={AlertRulesPage} />
            <Route path="/alerts/rules/new" component={AlertRuleFormPage} />
            <Route path="/alerts/rules/:id" component={AlertRuleFormPage} />
            <Route path="/alerts/channels" component={AlertChannelsPage} />
            <Route path="/alerts/deliveries" component={AlertDeliveriesPage} />
            <Route path="/alerts/settings" component={AlertSettingsPage} />
            <Route path="/system/agents" component={AgentsPage} />
            <Route path="/system/connections" component={ConnectionsPage} />
            <Route path="/system/storage" component={StoragePage} />
            <Route path="*" component={NotFound} />
          </Route>
        </Router>
      </SessionProvider>
    </ThemeProvider>
  );
}
