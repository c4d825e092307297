// Finds the operator's credentials a local node writes to `<data dir>/operator.credentials.json`, so that
// `solo …` on the node's own machine needs no flags.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATOR_CREDENTIALS_FILE } from '@solo/protocol';
import type { SoloCredentials } from '@solo/protocol';
import { readCredentialsFile } from './credentials-file.ts';

/**
 * The operator's credentials of the node that owns `dataDir`, or null when the file does not exist.
 * @throws `invalid_request` when it exists but cannot be used (unreadable, mode wider than 0600, malformed)
 */
export function readOperatorCredentials(dataDir: string): SoloCredentials | null {
  const path = join(dataDir, OPERATOR_CREDENTIALS_FILE);
  if (!existsSync(path)) return null;
  return readCredentialsFile(path);
}
