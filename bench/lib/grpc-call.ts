// A gRPC client for the bench: one SoloKernel client over mutual TLS with a fresh tenant certificate from the
// node's CA, and a promise-returning Call, for the gRPC row of the doors suite.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Metadata,
  credentials,
  loadPackageDefinition,
  type Client,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { issueClientCertificate, loadSoloProto } from '@solo/gateway';
import type { NodeInfo } from '@solo/protocol';

/** A connected gRPC client and its Call. */
export interface GrpcCaller {
  call(service: string, messageJson: string): Promise<string>;
  close(): void;
}

type CallMethod = (req: unknown, metadata: Metadata, cb: (err: ServiceError | null, res: { reply_json: string }) => void) => void;

/**
 * Issues the operator's certificate into `<data dir>/tls/bench` and connects to the node's gRPC door; every call
 * carries the admin token and names `tenant` (the operator acts for any tenant).
 */
export async function connectGrpcCaller(info: NodeInfo, tenant: string, adminToken: string): Promise<GrpcCaller> {
  const paths = await issueClientCertificate(info.data_dir, 'admin', join(info.data_dir, 'tls', 'bench'));
  const auth = new Metadata();
  auth.set('authorization', `Bearer ${adminToken}`);
  const root = loadPackageDefinition(loadSoloProto()) as unknown as {
    solo: { v1: { SoloKernel: ServiceClientConstructor } };
  };
  const tls = credentials.createSsl(readFileSync(paths.ca), readFileSync(paths.key), readFileSync(paths.cert));
  const client: Client = new root.solo.v1.SoloKernel(info.grpc_url.replace(/^grpcs:\/\//, ''), tls);
  const method = (client as unknown as Record<string, CallMethod>)['Call'];
  if (method === undefined) throw new Error('SoloKernel has no Call method');
  return {
    call: (service, messageJson) =>
      new Promise((resolve, reject) =>
        method.call(client, { tenant, service_id: service, message_json: messageJson }, auth, (err, res) =>
          err ? reject(err) : resolve(res.reply_json),
        ),
      ),
    close: () => client.close(),
  };
}
