import { describe, expect, it } from 'vitest';
import { frameLine, packageOf, stackRows, stackText, topAppFrame } from '../../packages/web/src/features/apps/stack.ts';

// The shape @pulse/node sends (packages/sdk-node stack parsing): newest first, files in the app relative.
const frames = [
  { fn: 'Object.parse', file: 'node_modules/@acme/json/lib/parse.js', line: 10, column: 3, inApp: false },
  { fn: 'loadOrder', file: 'src/orders.ts', line: 42, column: 7, inApp: true },
  { fn: 'Layer.handle', file: '/srv/shop/node_modules/express/lib/router/layer.js', line: 95, column: 5, inApp: false },
  { fn: 'next', file: '/srv/shop/node_modules/express/lib/router/route.js', line: 149, column: 13, inApp: false },
  { fn: 'processTicksAndRejections', file: 'node:internal/process/task_queues', line: 95, column: 5, inApp: false },
  { file: 'src/server.ts', line: 12, inApp: true },
];

describe('stack frames', () => {
  it('tells the app code from dependencies and node internals, naming the package', () => {
    expect(frames.map(frameLine).map((f) => [f.kind, f.pkg, f.fn, f.location])).toEqual([
      ['dependency', '@acme/json', 'Object.parse', 'node_modules/@acme/json/lib/parse.js:10:3'],
      ['app', undefined, 'loadOrder', 'src/orders.ts:42:7'],
      ['dependency', 'express', 'Layer.handle', '/srv/shop/node_modules/express/lib/router/layer.js:95:5'],
      ['dependency', 'express', 'next', '/srv/shop/node_modules/express/lib/router/route.js:149:13'],
      ['node', undefined, 'processTicksAndRejections', 'node:internal/process/task_queues:95:5'],
      ['app', undefined, '<anonymous>', 'src/server.ts:12'],
    ]);
  });

  it('names the innermost package of nested node_modules', () => {
    expect(packageOf('/a/node_modules/express/node_modules/debug/src/index.js')).toBe('debug');
    expect(packageOf('C:\\app\\node_modules\\@scope\\pkg\\x.js')).toBe('@scope/pkg');
    expect(packageOf('src/app.ts')).toBeUndefined();
  });

  it('folds runs of three or more frames outside the app, keeps shorter runs', () => {
    const rows = stackRows(frames);
    expect(rows.map((r) => (r.type === 'frame' ? `${r.frame.kind}:${r.frame.fn}` : `fold:${r.label}`))).toEqual([
      'dependency:Object.parse',
      'app:loadOrder',
      'fold:3 frames in express, node internals',
      'app:<anonymous>',
    ]);
    expect(stackRows(frames, 10).every((r) => r.type === 'frame')).toBe(true);
  });

  it('prints the stack as Node would, and finds the first frame of the app', () => {
    expect(stackText('TypeError', 'x is undefined', frames.slice(0, 2))).toBe(
      'TypeError: x is undefined\n    at Object.parse (node_modules/@acme/json/lib/parse.js:10:3)\n    at loadOrder (src/orders.ts:42:7)',
    );
    expect(topAppFrame(frames)?.location).toBe('src/orders.ts:42:7');
    expect(topAppFrame(frames.filter((f) => !f.inApp))).toBeUndefined();
  });
});
