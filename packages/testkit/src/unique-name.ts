// Unique, id-safe names so test files can share a server without seeing each other's data.
import { randomBytes } from 'node:crypto';

let counter = 0;
/** A fresh id matching Solo's id pattern, e.g. `t-3f9a1c-4`. */
export function uniqueName(prefix = 't'): string {
  counter += 1;
  return `${prefix}-${randomBytes(3).toString('hex')}-${counter}`;
}
