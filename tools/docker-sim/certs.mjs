import { readFileSync } from 'node:fs';

const read = (name) => readFileSync(new URL(`certs/${name}`, import.meta.url), 'utf8');

/**
 * The committed test-only TLS material (certs/README.md): what the simulator serves with and what a
 * client presents. The keys are public; never use them outside tests.
 */
export function testCerts() {
  const ca = read('ca.pem');
  return {
    ca,
    server: { key: read('server-key.pem'), cert: read('server-cert.pem'), ca },
    client: { key: read('client-key.pem'), cert: read('client-cert.pem'), ca },
    /** a CA that signed nothing here */
    otherCa: read('other-ca.pem'),
  };
}
