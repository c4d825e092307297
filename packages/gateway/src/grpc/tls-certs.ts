// The node's mutual-TLS material in `<data dir>/tls/`: a CA made on first start, a server certificate for
// 127.0.0.1/localhost signed by it, and client certificates naming a tenant (`solo certs issue`). All key
// and certificate work is done by the `openssl` binary: no ASN.1 is built here.
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SoloError, parseTenantId, type TenantId } from '@solo/protocol';

const run = promisify(execFile);

/** The subject of the operator's certificate: it alone may call admin verbs (Shutdown). */
export const ADMIN_CERT_NAME = 'admin';
/** The URI SAN of a tenant certificate is `solo:tenant:<tenant>`; the admin one is `solo:admin`. */
export const TENANT_URI_PREFIX = 'solo:tenant:';
/** The URI SAN of the operator's certificate. */
export const ADMIN_URI = 'solo:admin';

/** The PEM material the gRPC door serves with. */
export interface NodeTls {
  dir: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** Paths of an issued client certificate. */
export interface IssuedCertificate {
  cert: string;
  key: string;
  ca: string;
}

const DAYS_CA = '3650';
const DAYS_LEAF = '825';
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (err) {
    throw new SoloError(
      'unavailable',
      `openssl failed (${(err as Error).message.split('\n')[0] ?? ''}). Install openssl (apt-get install openssl) and retry.`,
      { cause: err },
    );
  }
}

/** Signs a new key's request with the CA; `ext` holds the leaf's X.509v3 extensions. */
async function issueLeaf(
  tlsDir: string,
  out: { cert: string; key: string },
  subject: string,
  ext: string,
): Promise<void> {
  const work = mkdtempSync(join(tlsDir, '.issue-'));
  try {
    const csr = join(work, 'req.csr');
    const extFile = join(work, 'ext.cnf');
    const key = join(work, 'key.pem');
    const cert = join(work, 'cert.pem');
    writeFileSync(extFile, ext, { mode: 0o600 });
    await openssl(['req', '-new', ...EC, '-keyout', key, '-out', csr, '-subj', subject]);
    chmodSync(key, 0o600);
    await openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      join(tlsDir, 'ca.crt'),
      '-CAkey',
      join(tlsDir, 'ca.key'),
      '-set_serial',
      `0x${Date.now().toString(16)}`,
      '-days',
      DAYS_LEAF,
      '-extfile',
      extFile,
      '-out',
      cert,
    ]);
    // Rename last so a half-made pair is never picked up.
    renameSync(key, out.key);
    renameSync(cert, out.cert);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Makes `<dataDir>/tls/` on first start (CA key 0600, server certificate for 127.0.0.1 and localhost) and
 * returns its PEM material. Later starts reuse it.
 * @throws `unavailable` when openssl is missing or fails
 */
export async function ensureNodeTls(dataDir: string): Promise<NodeTls> {
  const dir = join(resolve(dataDir), 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.crt');
  if (!existsSync(caKey) || !existsSync(caCert)) {
    await openssl([
      'req',
      '-x509',
      '-new',
      ...EC,
      '-keyout',
      caKey,
      '-out',
      caCert,
      '-days',
      DAYS_CA,
      '-subj',
      '/CN=Solo node CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    chmodSync(caKey, 0o600);
    rmSync(join(dir, 'server.crt'), { force: true });
  }
  const server = { cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
  if (!existsSync(server.cert) || !existsSync(server.key)) {
    await issueLeaf(
      dir,
      server,
      '/CN=localhost',
      'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n',
    );
  }
  return { dir, ca: readFileSync(caCert), cert: readFileSync(server.cert), key: readFileSync(server.key) };
}

/**
 * Writes a client certificate and key for `tenant` into `outDir` (`<tenant>.crt`, `<tenant>.key`, plus the
 * CA as `ca.crt`), signed by the node's CA (made if missing). Its CN names the tenant and its URI SAN is
 * `solo:tenant:<tenant>`; the name `admin` issues the operator's certificate (URI SAN `solo:admin`) instead.
 * @throws `invalid_request` for a bad tenant id; `unavailable` when openssl fails
 */
export async function issueClientCertificate(
  dataDir: string,
  tenant: string,
  outDir: string,
): Promise<IssuedCertificate> {
  const admin = tenant === ADMIN_CERT_NAME;
  const name: TenantId | typeof ADMIN_CERT_NAME = admin ? ADMIN_CERT_NAME : parseTenantId(tenant);
  const tls = await ensureNodeTls(dataDir);
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const out = {
    cert: join(resolve(outDir), `${name}.crt`),
    key: join(resolve(outDir), `${name}.key`),
    ca: join(resolve(outDir), 'ca.crt'),
  };
  const uri = admin ? ADMIN_URI : `${TENANT_URI_PREFIX}${name}`;
  await issueLeaf(
    tls.dir,
    out,
    `/CN=${name}`,
    `subjectAltName=URI:${uri}\nextendedKeyUsage=clientAuth\nbasicConstraints=critical,CA:FALSE\n`,
  );
  writeFileSync(out.ca, tls.ca);
  return out;
}
