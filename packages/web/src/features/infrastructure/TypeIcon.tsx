import type { ResourceType } from '@pulse/protocol';
import type { Component } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import Activity from 'lucide-solid/icons/activity';
import Box from 'lucide-solid/icons/box';
import Container from 'lucide-solid/icons/container';
import Database from 'lucide-solid/icons/database';
import DatabaseBackup from 'lucide-solid/icons/database-backup';
import Globe from 'lucide-solid/icons/globe';
import HardDrive from 'lucide-solid/icons/hard-drive';
import Hexagon from 'lucide-solid/icons/hexagon';
import Layers from 'lucide-solid/icons/layers';
import Monitor from 'lucide-solid/icons/monitor';
import Server from 'lucide-solid/icons/server';
import ServerCog from 'lucide-solid/icons/server-cog';

const icons: Record<ResourceType, Component<{ size?: number }>> = {
  host: Server,
  node: ServerCog,
  vm: Monitor,
  'system-container': Box,
  'app-container': Container,
  'docker-host': Layers,
  storage: Database,
  datastore: HardDrive,
  backup: DatabaseBackup,
  ceph: Hexagon,
  disk: HardDrive,
  monitor: Globe,
  app: Activity,
};

export function TypeIcon(props: { type: ResourceType; size?: number }) {
  return <Dynamic component={icons[props.type] ?? Server} size={props.size ?? 16} />;
}
