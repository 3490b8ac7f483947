import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPveModel } from '../../../../../../tools/proxmox-sim/index.mjs';
import { pveGuestRoutes } from '../../../../../../tools/proxmox-sim/pve-answers.mjs';
import { ProxmoxError } from '../client/errors.js';
import { compileReader } from './fast-reader.js';
import * as A from './index.js';

/*
 * The compiled readers must answer exactly as the zod schemas they are compiled from: the same
 * output (absent keys absent, `key: undefined` where zod writes it, same key order), the same rows
 * dropped with the same problems, the same errors. Recorded fixtures, the simulator's answers and
 * hostile rows are each read both ways.
 */

const FIXTURES = new URL('../../../../../../tools/proxmox-sim/fixtures/', import.meta.url);
const fixture = (path: string): unknown => (JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8')) as { data: unknown }).data;
/** what crosses the wire: undefined values gone, as JSON.parse hands them to the client */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const readResource = compileReader(A.ClusterResource);
const readNodeStatus = compileReader(A.NodeStatus);

/** The reader alone (no zod behind it) agrees with zod on the verdict and, key order included, on the output. */
function expectSameRead(schema: z.ZodType, read: (input: unknown) => unknown, input: unknown): void {
  const slow = schema.safeParse(input);
  const fast = read(input);
  expect(fast === z.INVALID, `verdict for ${show(input)}`).toBe(!slow.success);
  if (!slow.success) return;
  expect(fast).toStrictEqual(slow.data);
  expect(keyOrder(fast)).toEqual(keyOrder(slow.data));
}

/** Every object's keys in order, depth first: toStrictEqual ignores order, JSON and diffs do not. */
function keyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyOrder);
  if (typeof value !== 'object' || value === null) return typeof value;
  return Object.entries(value).map(([k, v]) => [k, keyOrder(v)]);
}

const show = (v: unknown): string => {
  try {
    return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x === undefined ? '<undefined>' : typeof x === 'number' && !Number.isFinite(x) ? String(x) : x)) ?? String(v);
  } catch {
    return String(v);
  }
};

/** Both list schemas on one answer: same rows kept, same rows dropped with the same problems, same failure. */
function expectSameList(input: unknown): void {
  const slow = A.ClusterResources.safeParse(input);
  const fast = A.CompiledClusterResources.safeParse(input);
  expect(fast.success).toBe(slow.success);
  if (!slow.success || !fast.success) {
    expect(fast.error?.issues).toEqual(slow.error?.issues);
    return;
  }
  expect(fast.data).toStrictEqual(slow.data);
  expect(keyOrder(fast.data)).toEqual(keyOrder(slow.data));
  expect(A.droppedProblems(fast.data)).toEqual(A.droppedProblems(slow.data));
}

/** A small estate from the simulator the bench uses (tools/proxmox-sim): a node down, a guest paused. */
function simulated(version: 8 | 9): { resources: unknown; statuses: unknown[] } {
  const model = createPveModel({ nodes: 8, guests: 120, version, ceph: true, now: () => Date.parse('2025-08-05T08:00:00Z') });
  model.setNodeOnline('pve3', false);
  model.pauseGuest(model.guests[1]!.vmid);
  const routes = pveGuestRoutes(model);
  const answer = (template: string, params: Record<string, string> = {}) =>
    wire(routes.find((r) => r.template === template)!.handle({ params, query: new URLSearchParams(), member: 'pve1', fingerprint: 'AB:CD' }));
  return {
    resources: answer('/cluster/resources'),
    statuses: model.nodes.filter((n) => n.online).map((n) => answer('/nodes/{node}/status', { node: n.name })),
  };
}

/** What a proxy, a new release or a half-written config might put where a field should be. */
const HOSTILE: unknown[] = [
  undefined, null, '', ' ', '  \t', 'N/A', 'n/a', 'none', 'abc', '12', ' 12 ', '\t7\n', '0x1F', '1e3', '-0', '.5', '5.',
  '1e400', '-1e400', 'NaN', 'Infinity', '-Infinity', '0', '1', 'true', 'false', 'TRUE', 'yes',
  0, -0, 1, 2, 1.5, -3, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 64, 5e-324, NaN, Infinity, -Infinity,
  true, false, [], [1], ['0.5'], {}, { total: 1 }, 10n, new Date(0),
];

/** Each field of `base` (and one it does not have) set to each hostile value, and deleted. */
function hostileVariants(base: Record<string, unknown>, keys: readonly string[]): unknown[] {
  const rows: unknown[] = [];
  for (const key of [...keys, 'cgroup-mode']) {
    for (const value of HOSTILE) rows.push({ ...base, [key]: value });
    const { [key]: _gone, ...without } = base;
    rows.push(without);
  }
  return rows;
}

const NOT_ROWS: unknown[] = [null, undefined, 'qemu/100', 100, true, [], [{ id: 'qemu/100', type: 'qemu' }], new Date(0)];

/** Oddly built objects: an own `__proto__` key from JSON, inherited fields, no prototype at all. */
function oddObjects(base: Record<string, unknown>): unknown[] {
  const inherited: Record<string, unknown> = Object.create({ vmid: 5, status: 'running', memory: { total: 1 } });
  Object.assign(inherited, base);
  const bare = Object.assign(Object.create(null) as Record<string, unknown>, base);
  return [JSON.parse(`{"id":"qemu/1","type":"qemu","__proto__":{"vmid":5},"cpu":"0.5"}`), inherited, bare];
}

const resourceFixtures = ['pve8/cluster-resources.json', 'pve8/cluster-resources-vm.json', 'pve9/cluster-resources.json', 'pve9/cluster-resources-vm.json'];
const statusFixtures = ['pve8/node-status.json', 'pve9/node-status.json', 'pmg/node-status.json'];

describe('the compiled /cluster/resources reader', () => {
  it.each(resourceFixtures)('reads every row of the recorded %s as zod does', (path) => {
    const rows = fixture(path) as unknown[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expectSameRead(A.ClusterResource, readResource, row);
    expectSameList(rows);
  });

  it.each([8, 9] as const)("reads the simulator's PVE %i answer as zod does", (version) => {
    const rows = simulated(version).resources as unknown[];
    expect(new Set(rows.map((r) => (r as { type: string }).type))).toEqual(new Set(['qemu', 'lxc', 'node', 'storage', 'pool', 'sdn']));
    for (const row of rows) expectSameRead(A.ClusterResource, readResource, row);
    expectSameList(rows);
  });

  it('agrees with zod on every hostile value in every field of a guest, node and storage row', () => {
    const recorded = fixture('pve9/cluster-resources.json') as Array<Record<string, unknown>>;
    const bases = ['qemu', 'node', 'storage'].map((type) => recorded.find((r) => r.type === type)!);
    const keys = Object.keys(A.ClusterResource.shape);
    const rows = [...bases.flatMap((base) => [...hostileVariants(base, keys), ...oddObjects(base)]), ...NOT_ROWS];
    let refused = 0;
    for (const row of rows) {
      expectSameRead(A.ClusterResource, readResource, row);
      if (readResource(row) === z.INVALID) refused++;
    }
    // the set is hostile enough to refuse plenty and mild enough to accept plenty
    expect(refused).toBeGreaterThan(rows.length / 4);
    expect(refused).toBeLessThan((rows.length * 3) / 4);
    expectSameList(rows);
  });

  it('leaves the same rows out and names the index and field of each', () => {
    const rows = [{ id: 'qemu/100', type: 'qemu', cpu: '0.5' }, { id: 'qemu/101', type: 'qemu', cpu: 'lots' }, { type: 'qemu' }, 'not a row', { id: 7, type: 'lxc', template: '1' }];
    const answer = A.readAnswer(A.CompiledClusterResources, rows, '/cluster/resources');
    expect(answer.value).toStrictEqual([{ id: 'qemu/100', type: 'qemu', cpu: 0.5 }, { id: '7', type: 'lxc', template: true }]);
    expect(answer.dropped).toBe(3);
    expect(answer.problems[0]).toMatch(/^\/cluster\/resources \[1\] cpu: /);
    expect(answer.problems[1]).toMatch(/^\/cluster\/resources \[2\] id: /);
    expect(answer.problems[2]).toMatch(/^\/cluster\/resources \[3\] /);
    expect(answer).toStrictEqual(A.readAnswer(A.ClusterResources, rows, '/cluster/resources'));
  });

  it('reads a null list as empty and fails a non-list with the same bad_response as zod', () => {
    expectSameList(null);
    expect(A.CompiledClusterResources.parse(null)).toEqual([]);
    for (const input of [undefined, {}, { data: [] }, 'rows', 42, true]) {
      expectSameList(input);
      const fast = () => A.readAnswer(A.CompiledClusterResources, input, '/cluster/resources');
      expect(fast).toThrow(ProxmoxError);
      expect(fast).toThrow(errorOf(() => A.readAnswer(A.ClusterResources, input, '/cluster/resources')));
    }
  });
});

describe('the compiled node status reader', () => {
  it.each(statusFixtures)('reads the recorded %s as zod does', (path) => {
    expectSameRead(A.NodeStatus, readNodeStatus, fixture(path));
  });

  it.each([8, 9] as const)("reads the simulator's PVE %i node statuses as zod does", (version) => {
    const { statuses } = simulated(version);
    expect(statuses.length).toBe(7);
    for (const status of statuses) expectSameRead(A.NodeStatus, readNodeStatus, status);
  });

  it('agrees with zod on every hostile value at every level', () => {
    const base = fixture('pve9/node-status.json') as Record<string, unknown>;
    const inputs: unknown[] = [...hostileVariants(base, Object.keys(A.NodeStatus.shape)), ...oddObjects(base), ...NOT_ROWS];
    // inside each nested object, each of its fields (the ones the fixture omits too)
    for (const [key, field] of Object.entries(A.NodeStatus.shape)) {
      const inner = field instanceof z.ZodOptional ? field.unwrap() : field;
      if (!(inner instanceof z.ZodObject)) continue;
      const nested = (base[key] ?? {}) as Record<string, unknown>;
      for (const variant of hostileVariants(nested, Object.keys(inner.shape))) inputs.push({ ...base, [key]: variant });
      inputs.push({ ...base, [key]: [nested] });
    }
    for (const loadavg of [['0.52', ' 1 ', 'x'], [], ['1e400'], [null], [1, '2', 3], ['', '1'], [true], [undefined], ['0.5', '0.6', '0.7', '0.8'], [[0.5]]]) {
      inputs.push({ ...base, loadavg });
    }
    inputs.push({ ...base, loadavg: [, '1'] });
    for (const input of inputs) expectSameRead(A.NodeStatus, readNodeStatus, input);
  });

  it('fails a bad status with the same bad_response message as zod', () => {
    for (const input of [undefined, null, [], 'ok', { memory: { total: 'a lot' } }, { loadavg: null }, { cpu: 'x', wait: 'y', memory: [] }]) {
      const fast = () => A.readAnswer(A.CompiledNodeStatus, input, '/nodes/pve1/status');
      expect(fast).toThrow(ProxmoxError);
      expect(fast).toThrow(errorOf(() => A.readAnswer(A.NodeStatus, input, '/nodes/pve1/status')));
    }
  });
});

describe('compiling', () => {
  it('refuses a schema made of something other than the blocks of coerce.ts, naming the field', () => {
    expect(() => compileReader(z.object({ id: A.text, size: z.number() }))).toThrow(/answer\.size is a number schema/);
    expect(() => compileReader(z.object({ items: z.array(A.num).min(1) }))).toThrow(/answer\.items has checks/);
    expect(() => compileReader(z.strictObject({ id: A.text }))).toThrow(/not a stripping object/);
  });
});

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the zod schema to fail too');
}
