// How the REST door turns an HTTP request into the body a wire parser validates: path parameters win over the
// body, query strings become numbers and booleans where the wire type says so, and `tenant` and `access_token`
// are not fields.
import { SoloError } from '@solo/protocol';

/**
 * Query parameters every route accepts besides its own: the tenant the operator's token acts for, and the
 * token itself on streams (see `authorizeRestRequest`).
 */
export const COMMON_QUERY = ['tenant', 'access_token'] as const;

/**
 * The wire body of a query string: `tenant` and `access_token` dropped, `numeric` fields made numbers and `boolean` fields
 * booleans when they look like one (anything else is left as text, so the schema names the field).
 */
export function queryBody(query: unknown, o: { numeric?: readonly string[]; boolean?: readonly string[]; tags?: readonly string[] } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if ((COMMON_QUERY as readonly string[]).includes(k)) continue;
    if (Array.isArray(v)) {
      throw new SoloError('invalid_request', `Query parameter '${k}' is given more than once; pass it once.`, { details: { field: k } });
    }
    if (typeof v === 'string' && o.numeric?.includes(k) && /^\d+$/.test(v)) out[k] = Number(v);
    else if (typeof v === 'string' && o.boolean?.includes(k) && (v === 'true' || v === 'false')) out[k] = v === 'true';
    else out[k] = v;
  }
  return out;
}

/** The JSON body of a POST as an object with the path's fields set. @throws `invalid_request` when it is not an object */
export function bodyWith(body: unknown, fields: Record<string, unknown>): Record<string, unknown> {
  if (body === undefined || body === null) return { ...fields };
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new SoloError('invalid_request', 'The request body must be a JSON object. Send Content-Type: application/json with an object.');
  }
  return { ...(body as Record<string, unknown>), ...fields };
}
