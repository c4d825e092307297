// Reads `<data dir>/node.json`, which `solo up` writes, to find where a local node listens.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SoloError } from '@solo/protocol';
import type { NodeInfo } from '@solo/protocol';

/** Name of the file a running node writes in its data dir. */
export const NODE_INFO_FILE = 'node.json';

/** True when `v` has every field of a NodeInfo (as `solo up` writes and prints it). */
export function isNodeInfo(v: unknown): v is NodeInfo {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r['node_id'] === 'string' &&
    typeof r['nats_url'] === 'string' &&
    typeof r['data_dir'] === 'string' &&
    typeof r['pid'] === 'number' &&
    (typeof r['nats_pid'] === 'number' || r['nats_pid'] === null) &&
    typeof r['embedded_nats'] === 'boolean' &&
    typeof r['started_at'] === 'string' &&
    typeof r['http_url'] === 'string' &&
    typeof r['grpc_url'] === 'string'
  );
}

function isAlive(pid: number): boolean {
  try {
    // Signal 0 checks existence without delivering anything.
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The node that owns `dataDir`, or null when none runs there (no `node.json`, or its pid is dead: a node
 * that was killed leaves its file behind).
 * @throws `unavailable` when the file exists but is not a node file
 */
export function readNodeInfo(dataDir: string): NodeInfo | null {
  const path = join(dataDir, NODE_INFO_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SoloError(
      'unavailable',
      `Cannot read ${path} (${(err as Error).message}). Check the permissions of the data dir.`,
      { cause: err },
    );
  }
  let info: unknown;
  try {
    info = JSON.parse(text);
  } catch (err) {
    info = err;
  }
  if (!isNodeInfo(info)) {
    throw new SoloError(
      'unavailable',
      `${path} is not a valid node file. If no node runs on this data dir, delete it and run \`solo up\`.`,
      {
        details: { path },
      },
    );
  }
  return isAlive(info.pid) ? info : null;
}
