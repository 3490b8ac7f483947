import { describe, expect, it } from 'vitest';
import { createLastBuilt } from './last-built.js';

describe('createLastBuilt', () => {
  it('builds again only when an input is another object, and forgets what retain drops', () => {
    const memo = createLastBuilt<{ n: number }>();
    let builds = 0;
    const build = () => ({ n: ++builds });
    const answer = [{ name: 'sda' }];
    const first = memo.get('disks/pve1', [answer], build);
    expect(memo.get('disks/pve1', [answer], build)).toBe(first);
    // An equal answer read again is a new object: the answer was refreshed, so build again.
    const again = memo.get('disks/pve1', [[{ name: 'sda' }]], build);
    expect(again).not.toBe(first);
    expect(memo.get('disks/pve1', [answer, undefined], build).n).toBe(3);
    expect(memo.get('disks/pve2', [answer, undefined], build).n).toBe(4);
    memo.retain((key) => key !== 'disks/pve1');
    expect(memo.get('disks/pve1', [answer, undefined], build).n).toBe(5);
    expect(memo.get('disks/pve2', [answer, undefined], build).n).toBe(4);
  });
});
