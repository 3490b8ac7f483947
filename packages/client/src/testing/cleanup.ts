import { afterEach } from 'vitest';

/** Returns `track(thing)`: closes every tracked client and server after each test, newest first. */
export function closeAfterEach(): <T extends { close(): unknown }>(thing: T) => T {
  const things: { close(): unknown }[] = [];
  afterEach(async () => {
    for (const thing of things.splice(0).reverse()) await thing.close();
  });
  return (thing) => {
    things.push(thing);
    return thing;
  };
}
