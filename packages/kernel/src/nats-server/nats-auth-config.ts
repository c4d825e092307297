// Renders the `authorization` block that nats-server.conf includes: static nkey users with allow-lists.
// Pure: NatsAuthority writes the text to auth.conf.
import type { NatsPermissions } from './nats-auth-permissions.ts';

/** One user of auth.conf. `permissions: 'deny_all'` makes a user that can connect and do nothing. */
export interface AuthConfigUser {
  /** Shown as a comment above the entry, e.g. `tenant acme`. */
  label: string;
  /** Public user nkey (`U…`). */
  nkey: string;
  permissions: (NatsPermissions & { allowResponses: boolean }) | 'deny_all';
}

function renderPermissions(p: AuthConfigUser['permissions']): Record<string, unknown> {
  if (p === 'deny_all') return { publish: { deny: ['>'] }, subscribe: { deny: ['>'] } };
  const out: Record<string, unknown> = { publish: { allow: p.publish }, subscribe: { allow: p.subscribe } };
  // `allow_responses: true` lets a user answer requests sent to it (one reply each, within 2 minutes) even
  // though the reply subject is outside its publish allow-list.
  if (p.allowResponses) out['allow_responses'] = true;
  return out;
}

/**
 * The text of auth.conf. Entries are JSON objects, which the nats-server config format accepts; every
 * value is quoted, so subjects with `*`, `>` or `$` are never read as variables or syntax. There is no
 * `no_auth_user`: a connection without a known nkey is refused.
 */
export function renderAuthConfig(users: readonly AuthConfigUser[]): string {
  const lines = [
    '# Written by Solo from auth-users.json; edits are overwritten. Users are nkeys: the server holds public keys only.',
    'authorization {',
    '  users = [',
  ];
  for (const u of users) {
    // Labels are ids (validated) or fixed words, but keep the comment on one line whatever they hold.
    lines.push(`    # ${u.label.replace(/[\r\n]/g, ' ')}`);
    lines.push(`    ${JSON.stringify({ nkey: u.nkey, permissions: renderPermissions(u.permissions) })}`);
  }
  lines.push('  ]', '}', '');
  return lines.join('\n');
}
