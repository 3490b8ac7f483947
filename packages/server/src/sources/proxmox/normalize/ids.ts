/*
 * Resource ids of the Proxmox contract (../CONTRACT.md). `c` is the connection's name, already
 * validated as [A-Za-z0-9][A-Za-z0-9_.-]{0,63}, so it never contains ':' or '/'.
 */

export type Product = 'pve' | 'pbs' | 'pmg';

export const sourceId = (product: Product, c: string): string => `${product}:${c}`;

export const pveNodeId = (c: string, node: string): string => `pve:${c}:node/${node}`;
export const guestId = (c: string, kind: 'qemu' | 'lxc', vmid: number): string => `pve:${c}:${kind}/${vmid}`;
export const storageId = (c: string, storage: string, node?: string): string =>
  node === undefined ? `pve:${c}:storage/${storage}` : `pve:${c}:storage/${node}/${storage}`;
export const zfsId = (c: string, node: string, pool: string): string => `pve:${c}:zfs/${node}/${pool}`;
export const diskId = (c: string, node: string, dev: string): string => `pve:${c}:disk/${node}/${dev}`;
export const cephId = (c: string): string => `pve:${c}:ceph`;

export const pbsServerId = (c: string): string => `pbs:${c}`;
export const datastoreId = (c: string, store: string): string => `pbs:${c}:datastore/${store}`;

/**
 * A backup group. A namespace path "a/b" is written the way PBS lays it out on disk
 * ("ns/a/ns/b/vm/100"), so a namespace can never be mistaken for a backup type.
 */
export function backupGroupId(c: string, store: string, type: string, id: string, namespace?: string): string {
  const ns = namespace ? namespace.split('/').filter(Boolean).map((part) => `ns/${part}/`).join('') : '';
  return `pbs:${c}:backup/${store}/${ns}${type}/${id}`;
}

export const pmgNodeId = (c: string, node: string): string => `pmg:${c}:node/${node}`;
