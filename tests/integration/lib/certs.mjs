// Test PKI: generates, with the `openssl` CLI, a throw-away CA and server certificates signed by it into a
// fresh temp dir. EC P-256 keys keep generation in the tens of milliseconds. Used by tls.test.mjs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

const kKeyArgs = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

// Creates a CA (ca.crt, ca.key) in a new temp dir; returns { dir, caCert, caKey, ca (PEM text), issue }.
// issue(name, sans) writes <name>.crt/<name>.key signed by the CA, with the given subjectAltName entries
// (e.g. ['DNS:localhost', 'IP:127.0.0.1']), and returns { cert, key, certPem, keyPem }.
export function makeTestPki() {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pki-'));
  openssl(['req', '-x509', ...kKeyArgs, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2',
    '-subj', '/CN=Sluice Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const issue = (name, sans) => {
    writeFileSync(join(dir, `${name}.ext`),
      `subjectAltName=${sans.join(',')}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n` +
      'extendedKeyUsage=serverAuth\n');
    openssl(['req', ...kKeyArgs, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`], dir);
    const cert = join(dir, `${name}.crt`);
    const key = join(dir, `${name}.key`);
    return { cert, key, certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') };
  };
  const caCert = join(dir, 'ca.crt');
  return { dir, caCert, caKey: join(dir, 'ca.key'), ca: readFileSync(caCert, 'utf8'), issue };
}
