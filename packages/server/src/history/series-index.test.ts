import { describe, expect, it } from 'vitest';
import { SeriesIndex } from './series-index.js';

describe('series index', () => {
  it('numbers series in the order it first meets them, by resource and metric', () => {
    const index = new SeriesIndex();
    expect([index.ensure('a', 'cpu'), index.ensure('a', 'mem'), index.ensure('b', 'cpu'), index.ensure('a', 'cpu')]).toEqual([0, 1, 2, 0]);
    expect(index.ensureIn(index.metricsOf('b'), 'b', 'mem')).toBe(3);
    expect([index.size, index.get('b', 'cpu'), index.get('c', 'cpu')]).toEqual([4, 2, undefined]);
    expect(index.keysOf([3, 0])).toEqual([{ resource: 'b', metric: 'mem' }, { resource: 'a', metric: 'cpu' }]);
  });

  it('finds series by stored id, dense or far apart, and forgets an id taken back', () => {
    const index = new SeriesIndex();
    for (let i = 0; i < 3000; i++) index.setId(index.ensure(`r${i}`, 'cpu'), i + 1);
    const far = index.ensure('far', 'cpu');
    index.setId(far, 2 ** 40);
    expect([index.byId(1), index.byId(3000), index.byId(2 ** 40), index.byId(3001)]).toEqual([0, 2999, far, undefined]);
    index.setId(0, 0);
    index.setId(far, 0);
    expect([index.byId(1), index.byId(2 ** 40), index.id(far)]).toEqual([undefined, undefined, 0]);
    expect([...index.stored()]).toHaveLength(2999);
  });
});
