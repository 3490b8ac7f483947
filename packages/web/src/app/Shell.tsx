import { A, useLocation, useNavigate } from '@solidjs/router';
import { For, Show, type ParentProps } from 'solid-js';
import Bell from 'lucide-solid/icons/bell';
import Boxes from 'lucide-solid/icons/boxes';
import SquareCode from 'lucide-solid/icons/square-code';
import ChevronsUpDown from 'lucide-solid/icons/chevrons-up-down';
import Database from 'lucide-solid/icons/database';
import DatabaseBackup from 'lucide-solid/icons/database-backup';
import HardDrive from 'lucide-solid/icons/hard-drive';
import Hexagon from 'lucide-solid/icons/hexagon';
import Monitor from 'lucide-solid/icons/monitor';
import Plug from 'lucide-solid/icons/plug';
import ServerCog from 'lucide-solid/icons/server-cog';
import RadioTower from 'lucide-solid/icons/radio-tower';
import LayoutGrid from 'lucide-solid/icons/layout-grid';
import LogOut from 'lucide-solid/icons/log-out';
import Activity from 'lucide-solid/icons/activity';
import CalendarClock from 'lucide-solid/icons/calendar-clock';
import PanelTop from 'lucide-solid/icons/panel-top';
import { useAlerts } from '../features/alerts/store';
import { useSession } from '../features/auth/session';
import { useTheme } from '../lib/theme';
import { ConnectionIndicator } from '../ui/ConnectionIndicator';
import { Logo } from '../ui/Logo';
import { Menu, MenuItem } from '../ui/Menu';
import { ThemeToggle } from '../ui/ThemeToggle';
import { useLive } from './live';

// Only pages that exist; a new feature adds its entry here.
const sections = [
  {
    title: 'Monitor',
    items: [
      { href: '/', label: 'Infrastructure', icon: LayoutGrid, testId: 'nav-infrastructure' },
      { href: '/workloads', label: 'Workloads', icon: Boxes, testId: 'nav-workloads' },
      { href: '/apps', label: 'Apps', icon: SquareCode, testId: 'nav-apps' },
      { href: '/alerts', label: 'Alerts', icon: Bell, testId: 'nav-alerts', badge: 'firing-alerts' as const },
    ],
  },
  {
    title: 'Proxmox',
    items: [
      { href: '/proxmox/nodes', label: 'Nodes', icon: ServerCog, testId: 'nav-proxmox-nodes' },
      { href: '/proxmox/guests', label: 'Guests', icon: Monitor, testId: 'nav-proxmox-guests' },
      { href: '/proxmox/storage', label: 'Storage', icon: HardDrive, testId: 'nav-proxmox-storage' },
      { href: '/proxmox/backups', label: 'Backups', icon: DatabaseBackup, testId: 'nav-proxmox-backups' },
      { href: '/proxmox/ceph', label: 'Ceph', icon: Hexagon, testId: 'nav-proxmox-ceph' },
    ],
  },
  {
    title: 'Uptime',
    items: [
      // Monitors owns every /uptime/<id> page, but not its two siblings.
      { href: '/uptime', label: 'Monitors', icon: Activity, testId: 'nav-monitors', active: (path: string) => path.startsWith('/uptime') && !/^\/uptime\/(maintenance|status-pages)(\/|$)/.test(path) },
      { href: '/uptime/status-pages', label: 'Status pages', icon: PanelTop, testId: 'nav-status-pages' },
      { href: '/uptime/maintenance', label: 'Maintenance', icon: CalendarClock, testId: 'nav-maintenance' },
    ],
  },
  {
    title: 'System',
    items: [
      { href: '/system/agents', label: 'Agents', icon: RadioTower, testId: 'nav-agents' },
      { href: '/system/connections', label: 'Connections', icon: Plug, testId: 'nav-connections' },
      { href: '/system/storage', label: 'Storage', icon: Database, testId: 'nav-storage' },
    ],
  },
];

interface NavItem {
  href: string;
  label: string;
  icon: (typeof sections)[number]['items'][number]['icon'];
  testId: string;
  /** When the link is current, if not by its address as a prefix. */
  active?: (path: string) => boolean;
  /** A live count beside the label. */
  badge?: 'firing-alerts';
}

/** How many alerts fire now, beside the Alerts entry; nothing when none do. */
function FiringBadge(props: { compact?: boolean }) {
  const alerts = useAlerts();
  const c = () => alerts.counts();
  return (
    <Show when={c().firing > 0}>
      <span
        class="num ml-auto inline-flex h-[18px] min-w-[18px] items-center justify-center rounded-full px-1.5 text-[11px] font-semibold"
        classList={{ 'bg-crit text-accent-fg': c().bySeverity.critical > 0, 'bg-warn text-accent-fg': c().bySeverity.critical === 0, 'ml-1!': props.compact }}
        title={`${c().firing} firing`}
        data-testid="nav-alerts-badge"
      >
        {c().firing}
      </span>
    </Show>
  );
}

function NavLinks(props: { compact?: boolean; items: readonly NavItem[] }) {
  const location = useLocation();
  return (
    <For each={props.items}>
      {(item) => (
        <A
          href={item.href}
          end={item.href === '/'}
          data-testid={item.testId}
          class="flex h-8 items-center gap-2.5 rounded-lg px-2.5 text-[13px] font-medium text-muted transition-colors hover:bg-surface-2 hover:text-fg"
          activeClass={item.active ? '' : '!bg-surface-3 !text-fg'}
          // Only an item with its own rule toggles these classes: a `false` here would strip A's activeClass.
          classList={item.active ? { 'px-2': props.compact, '!bg-surface-3 !text-fg': item.active(location.pathname) } : { 'px-2': props.compact }}
        >
          <item.icon size={16} />
          {item.label}
          <Show when={item.badge === 'firing-alerts'}>
            <FiringBadge compact={props.compact} />
          </Show>
        </A>
      )}
    </For>
  );
}

function UserMenu(props: { placement: 'above' | 'below'; align?: 'left' | 'right'; compact?: boolean }) {
  const session = useSession();
  const navigate = useNavigate();
  const name = () => session.info()?.user.username ?? '';
  const signOut = async () => {
    await session.signOut();
    navigate('/login', { replace: true });
  };
  return (
    <Menu
      label="Account"
      placement={props.placement}
      align={props.align}
      testId="user-menu"
      trigger={
        <span class="flex w-full min-w-0 items-center gap-2.5 p-1.5 text-left">
          <span class="flex size-7 shrink-0 items-center justify-center rounded-full bg-accent-soft text-xs font-semibold text-accent uppercase">
            {name().slice(0, 1)}
          </span>
          {!props.compact && (
            <>
              <span class="min-w-0 flex-1">
                <span class="block truncate text-[13px] font-medium text-fg" data-testid="user-name">
                  {name()}
                </span>
                <span class="block truncate text-xs text-faint capitalize">{session.info()?.user.role}</span>
              </span>
              <ChevronsUpDown size={14} class="text-faint" />
            </>
          )}
        </span>
      }
    >
      <div class="border-b px-2 pt-1.5 pb-2 mb-1 text-xs text-muted">
        Signed in as <span class="font-medium text-fg">{name()}</span>
      </div>
      <MenuItem onSelect={signOut} icon={<LogOut size={15} />} testId="logout">
        Log out
      </MenuItem>
    </Menu>
  );
}

/** The frame of every signed-in page: sidebar on wide screens, a top bar on narrow ones. */
export function Shell(props: ParentProps) {
  const live = useLive();
  const theme = useTheme();
  return (
    <div class="flex h-screen min-h-0 bg-bg" data-testid="app-shell">
      <aside class="hidden w-60 shrink-0 flex-col border-r bg-surface md:flex">
        <div class="flex h-14 items-center px-4">
          <A href="/" aria-label="Pulse home">
            <Logo />
          </A>
        </div>
        <nav class="flex flex-col gap-0.5 px-3 pt-2" aria-label="Main">
          <For each={sections}>
            {(section, i) => (
              <>
                <div class="px-2.5 pb-1.5 text-[11px] font-medium tracking-wide text-faint uppercase" classList={{ 'pt-4': i() > 0 }}>
                  {section.title}
                </div>
                <NavLinks items={section.items} />
              </>
            )}
          </For>
        </nav>
        <div class="mt-auto space-y-2 border-t p-3">
          <div class="flex items-center justify-between gap-2 px-1">
            <ConnectionIndicator state={live.link()} />
            <ThemeToggle theme={theme.theme()} onToggle={theme.toggle} />
          </div>
          <UserMenu placement="above" />
        </div>
      </aside>
      <div class="flex min-w-0 flex-1 flex-col">
        <header class="flex h-14 shrink-0 items-center gap-3 border-b bg-surface px-4 md:hidden">
          <Logo size={22} />
          <nav class="ml-2 flex gap-1" aria-label="Main">
            <NavLinks compact items={sections.flatMap((s): readonly NavItem[] => s.items)} />
          </nav>
          <div class="ml-auto flex items-center gap-1">
            <ConnectionIndicator state={live.link()} />
            <ThemeToggle theme={theme.theme()} onToggle={theme.toggle} />
            <UserMenu placement="below" align="right" compact />
          </div>
        </header>
        <main class="min-h-0 flex-1 overflow-auto">
          <div class="mx-auto h-full max-w-[1600px] px-4 py-6 md:px-8 md:py-7">{props.children}</div>
        </main>
      </div>
    </div>
  );
}
