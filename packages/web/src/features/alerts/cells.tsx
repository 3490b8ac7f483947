import type { Alert, ChannelType, Severity } from '@pulse/protocol';
import type { Component } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import Bell from 'lucide-solid/icons/bell';
import BellRing from 'lucide-solid/icons/bell-ring';
import Hash from 'lucide-solid/icons/hash';
import Mail from 'lucide-solid/icons/mail';
import Megaphone from 'lucide-solid/icons/megaphone';
import MessageSquare from 'lucide-solid/icons/message-square';
import MessagesSquare from 'lucide-solid/icons/messages-square';
import Send from 'lucide-solid/icons/send';
import Siren from 'lucide-solid/icons/siren';
import Smartphone from 'lucide-solid/icons/smartphone';
import Users from 'lucide-solid/icons/users';
import Webhook from 'lucide-solid/icons/webhook';
import { Chip } from '../../ui/Chip';
import { StatusBadge } from '../../ui/StatusBadge';
import { severityLabel, severityTone, stateLabel, stateTone } from './alert-model';

export function AlertStateBadge(props: { alert: Pick<Alert, 'state' | 'severity'>; testId?: string }) {
  return <StatusBadge tone={stateTone(props.alert)} label={stateLabel[props.alert.state]} testId={props.testId} />;
}

export function SeverityChip(props: { severity: Severity }) {
  return (
    <Chip tone={severityTone[props.severity]} testId="severity">
      {severityLabel[props.severity]}
    </Chip>
  );
}

const channelIcons: Record<ChannelType, Component<{ size?: number }>> = {
  email: Mail,
  webhook: Webhook,
  slack: Hash,
  discord: MessageSquare,
  teams: Users,
  telegram: Send,
  ntfy: Bell,
  gotify: BellRing,
  pushover: Smartphone,
  matrix: MessagesSquare,
  pagerduty: Siren,
  opsgenie: Megaphone,
};

export function ChannelIcon(props: { type: ChannelType; size?: number }) {
  return <Dynamic component={channelIcons[props.type] ?? Bell} size={props.size ?? 16} />;
}
