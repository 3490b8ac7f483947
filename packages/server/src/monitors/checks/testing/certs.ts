// Test support only: certificates with chosen validity, made by openssl at test time.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  key: string;
  cert: string;
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';

/**
 * A self-signed EC certificate valid from `notBefore` to `notAfter` (ms). `openssl req -x509` here
 * (OpenSSL 3.0) only takes positive `-days`, so an already-expired one goes through `openssl ca
 * -selfsign`, which takes explicit start and end dates.
 */
export function makeCertificate(options: { notBefore: number; notAfter: number; commonName?: string; altNames?: string }): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-check-certs-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '01\n');
    writeFileSync(join(dir, 'ca.cnf'), [
      '[ ca ]', 'default_ca = test', '[ test ]', 'database = index.txt', 'new_certs_dir = .', 'serial = serial',
      'default_md = sha256', 'policy = any', 'copy_extensions = copy', 'unique_subject = no', 'x509_extensions = ext',
      '[ any ]', 'commonName = supplied', '[ ext ]', 'basicConstraints = critical,CA:TRUE',
    ].join('\n'));
    ssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-subj', `/CN=${options.commonName ?? 'localhost'}`, '-addext', `subjectAltName=${options.altNames ?? 'DNS:localhost,IP:127.0.0.1,IP:::1'}`,
      '-keyout', 'key.pem', '-out', 'req.csr');
    ssl('ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'key.pem', '-in', 'req.csr',
      '-startdate', stamp(options.notBefore), '-enddate', stamp(options.notAfter), '-out', 'cert.pem');
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
