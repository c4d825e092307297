// Reads who a gRPC call comes from out of the client certificate the TLS handshake verified against the
// node's CA: `getPeer()` only gives an address, so the certificate is taken from the call's auth context.
import type { PeerCertificate } from 'node:tls';
import { parseTenantId } from '@solo/protocol';
import type { GrpcPeer } from '../authorize.ts';
import { ADMIN_CERT_NAME, ADMIN_URI, TENANT_URI_PREFIX } from './tls-certs.ts';

/** The identity named by a call's client certificate (URI SAN `solo:tenant:<t>` with CN `<t>`, or `solo:admin`). */
export function peerIdentity(call: { getAuthContext(): { sslPeerCertificate?: PeerCertificate } | null }): GrpcPeer {
  const cert = call.getAuthContext()?.sslPeerCertificate;
  if (cert === undefined) return { kind: 'none' };
  const sans = (cert.subjectaltname ?? '').split(',').map((s) => s.trim());
  const cn = cert.subject?.CN;
  if (sans.includes(`URI:${ADMIN_URI}`) && cn === ADMIN_CERT_NAME) return { kind: 'admin' };
  const uri = sans.find((s) => s.startsWith(`URI:${TENANT_URI_PREFIX}`));
  if (uri === undefined) return { kind: 'none' };
  const named = uri.slice(`URI:${TENANT_URI_PREFIX}`.length);
  // Both names must agree: a certificate whose CN and SAN disagree was not made by `solo certs issue`.
  if (named !== cn) return { kind: 'none' };
  try {
    return { kind: 'tenant', tenant: parseTenantId(named) };
  } catch {
    return { kind: 'none' };
  }
}
