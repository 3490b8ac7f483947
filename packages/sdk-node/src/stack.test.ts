import { ApmException } from '@pulse/protocol';
import { describe, expect, it } from 'vitest';
import { toApmException } from './exceptions.js';
import { fingerprint, parseStack } from './stack.js';

// a V8 stack as Node 20 prints it, with paths under a made-up /srv/app working directory
const STACK = `TypeError: Cannot read properties of undefined (reading 'id')
    at getUser (/srv/app/src/users.js:42:17)
    at async Promise.all (index 0)
    at async handler (file:///srv/app/src/routes.mjs:10:5)
    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)
    at new Session (/srv/app/src/session.js:7:11)
    at Array.map (<anonymous>)
    at /srv/app/src/index.js:3:1
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`;

describe('parseStack', () => {
  it('turns V8 lines into frames with fn, file, line, column and inApp', () => {
    const frames = parseStack(STACK, '/srv/app');
    expect(frames).toEqual([
      { fn: 'getUser', file: 'src/users.js', line: 42, column: 17, inApp: true },
      { fn: 'Promise.all', inApp: false },
      { fn: 'handler', file: 'src/routes.mjs', line: 10, column: 5, inApp: true },
      { fn: 'Layer.handle [as handle_request]', file: 'node_modules/express/lib/router/layer.js', line: 95, column: 5, inApp: false },
      { fn: 'new Session', file: 'src/session.js', line: 7, column: 11, inApp: true },
      { fn: 'Array.map', inApp: false },
      { file: 'src/index.js', line: 3, column: 1, inApp: true },
      { fn: 'process.processTicksAndRejections', file: 'node:internal/process/task_queues', line: 95, column: 5, inApp: false },
    ]);
  });

  it('keeps at most 50 frames and clips long names', () => {
    const long = 'x'.repeat(5000);
    const stack = ['Error: deep', ...Array.from({ length: 80 }, (_, i) => `    at ${long} (/a/f${i}.js:1:1)`)].join('\n');
    const frames = parseStack(stack, '/a');
    expect(frames).toHaveLength(50);
    expect(frames[0]?.fn).toHaveLength(2000);
  });
});

describe('fingerprint', () => {
  const at = (line: number) => STACK.replace(':42:17', `:${line}:17`);
  it('is stable across messages and line numbers, and differs by type and in-app function', () => {
    const frames = parseStack(STACK, '/srv/app');
    const a = fingerprint('TypeError', frames, 'user 1');
    expect(fingerprint('TypeError', frames, 'user 2')).toBe(a);
    expect(fingerprint('TypeError', parseStack(at(99), '/srv/app'), 'x')).toBe(a);
    expect(fingerprint('RangeError', frames, 'user 1')).not.toBe(a);
    expect(fingerprint('TypeError', parseStack(STACK.replace('getUser', 'getOrder'), '/srv/app'), 'user 1')).not.toBe(a);
    // a framework frame changing (another express version) does not split the group
    expect(fingerprint('TypeError', parseStack(STACK.replace(':95:5', ':120:9').replace('Layer.handle', 'Layer.handleRequest'), '/srv/app'), '')).toBe(a);
  });

  it('falls back to the message when there is no frame at all', () => {
    expect(fingerprint('string', [], 'a')).not.toBe(fingerprint('string', [], 'b'));
  });
});

describe('toApmException', () => {
  it('builds an event that validates against ApmException, for errors and thrown non-errors', () => {
    class PaymentError extends Error {}
    const events = [
      toApmException(new PaymentError('card declined'), 'captured', 'h:1:2', 1, { orderId: 7 }),
      toApmException('plain string', 'unhandled-rejection', 'h:1:2', 2),
      toApmException({ code: 42 }, 'uncaught', 'h:1:2', 3),
      toApmException(new Error('x'.repeat(20_000)), 'captured', 'h:1:2', 4),
    ];
    for (const e of events) expect(ApmException.safeParse(e).success).toBe(true);
    expect(events[0]).toMatchObject({ type: 'PaymentError', message: 'card declined', context: { orderId: 7 } });
    expect(events[0]?.frames[0]?.inApp).toBe(true);
    expect(events[1]).toMatchObject({ type: 'string', message: 'plain string', frames: [] });
    expect(events[3]?.message).toHaveLength(8000);
  });

  it('drops a context that does not serialise instead of failing', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const e = toApmException(new Error('x'), 'captured', 'h:1:2', 1, circular);
    expect(e.context).toEqual({ pulseContextDropped: 'not serialisable as JSON' });
  });
});
