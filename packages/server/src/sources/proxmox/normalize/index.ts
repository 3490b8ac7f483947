export * from './ids.js';
export { type ErrorDetail, round2 } from './figures.js';
export { normalizePveNodes, nodeMemory, pveVersion, type NodeMemory, type NodeMemSource, type PveNodesInput } from './pve-nodes.js';
export { createRateTracker, type GuestCounters, type RateTracker } from './guest-rates.js';
export {
  normalizePveGuests,
  guestMemory,
  splitTags,
  type AgentState,
  type GuestExtras,
  type GuestInside,
  type GuestMemory,
  type GuestMemSource,
  type PveGuestsInput,
} from './guests.js';
export { agentFilesystems, agentNetwork, agentOs, lxcNetwork, type GuestFilesystem, type GuestNetwork } from './guest-inside.js';
export {
  guestsWithoutBackup,
  lastBackupsFromContent,
  lastBackupsFromTasks,
  mergeLastBackups,
  taskOutcome,
  type BackupGap,
  type BackupOutcome,
  type LastBackup,
} from './backups.js';
export { normalizeDisks, normalizePveStorage, normalizeZfsPools, type PveStorageInput } from './storage.js';
export { normalizeCeph, type CephCheck } from './ceph.js';
export {
  dedupFactor,
  normalizePbsBackupGroups,
  normalizePbsDatastores,
  normalizePbsServer,
  type DatastoreJob,
  type JobKind,
  type PbsDatastoresInput,
  type PbsGroupsInput,
  type PbsServerInput,
  type Verification,
} from './pbs.js';
export { normalizePmgNode, qshapeTotal, type PmgNodeInput, type QueueName } from './pmg.js';
export { markUnknown } from './unknown.js';
