// Code changes that restart a service with fresh state: `replace` (new code, new version) and `rollback` (a
// version kept in the history, code from LMDB), and the version `history` itself. The new incarnation's init
// runs before the event, so code that cannot start leaves the running version untouched.
import { compileService, startIncarnation, type SandboxedActor } from '@solo/actor-core';
import { SoloError, type HistoryReply, type ReplaceReply, type RollbackReply } from '@solo/protocol';
import type { RequestMeta } from '../kernel-types.ts';
import type { ServiceEntry } from '../service-entry.ts';
import type { ServiceVersionRecord } from '../state/kernel-state.ts';
import type { CodeChangePort, ReplaceInput, RollbackInput } from './code-change-types.ts';
import type { HotSwap } from './hot-swap.ts';

/** `solo replace`: the caller holds the service's lock. */
export async function replaceService(p: CodeChangePort, swaps: HotSwap, entry: ServiceEntry, input: ReplaceInput, meta: RequestMeta): Promise<ReplaceReply> {
  const t0 = performance.now();
  const compiled = await compileService(input.source, { filename: input.filename });
  const next = await startIncarnation(p.sandbox, { tenant: entry.tenant, service: entry.service, code: compiled.code, limits: entry.record.limits }, p.hostFor(entry), entry.record.args);
  const from = entry.record.current.version;
  const seq = await commit(p, swaps, entry, next, compiled.code, async () => {
    await p.local.artifacts.put(compiled.code);
    return p.append(
      {
        type: 'service_replaced',
        tenant: entry.tenant,
        service_id: entry.service,
        data: { version: entry.record.last_version + 1, artifact_hash: compiled.hash, code_version: next.shape.codeVersion, from_version: from, filename: input.filename },
      },
      meta,
    );
  });
  const v = entry.record.current;
  return {
    service_id: entry.service,
    version: v.version,
    from_version: from,
    code_version: v.code_version,
    artifact_hash: v.artifact_hash,
    replaced_at: v.at,
    duration_ms: Math.round((performance.now() - t0) * 1000) / 1000,
    event_seq: seq,
  };
}

/** `solo rollback`: the caller holds the service's lock. */
export async function rollbackService(p: CodeChangePort, swaps: HotSwap, entry: ServiceEntry, input: RollbackInput, meta: RequestMeta): Promise<RollbackReply> {
  const target = pickVersion(entry, input.toVersion);
  if (!p.local.artifacts.verify(target.artifact_hash)) {
    throw new SoloError(
      'not_found',
      `The code of version ${target.version} of service '${entry.service}' (artifact ${target.artifact_hash}) is not stored on this node any more. Swap or replace with the source instead.`,
      { details: { kind: 'artifact', version: target.version, artifact_hash: target.artifact_hash } },
    );
  }
  const code = p.local.artifacts.get(target.artifact_hash) as string;
  const next = await startIncarnation(p.sandbox, { tenant: entry.tenant, service: entry.service, code, limits: entry.record.limits }, p.hostFor(entry), entry.record.args);
  const from = entry.record.current.version;
  const seq = await commit(p, swaps, entry, next, code, () =>
    p.append(
      {
        type: 'service_rolled_back',
        tenant: entry.tenant,
        service_id: entry.service,
        data: { version: target.version, artifact_hash: target.artifact_hash, code_version: target.code_version, from_version: from },
      },
      meta,
    ),
  );
  return {
    service_id: entry.service,
    version: target.version,
    from_version: from,
    code_version: target.code_version,
    artifact_hash: target.artifact_hash,
    rolled_back_at: entry.record.current.at,
    event_seq: seq,
  };
}

/** `solo history`: every version kept, newest first. */
export function serviceHistory(entry: ServiceEntry): HistoryReply {
  const versions = [...entry.record.history].reverse().map((v) => ({ version: v.version, code_version: v.code_version, artifact_hash: v.artifact_hash, at: v.at, via: v.via }));
  return { service_id: entry.service, current_version: entry.record.current.version, versions };
}

/** The version a rollback goes back to: `to` when given, else the latest one before the current one. */
function pickVersion(entry: ServiceEntry, to: number | undefined): ServiceVersionRecord {
  const { current, history } = entry.record;
  if (to === current.version) {
    throw new SoloError('invalid_request', `Version ${to} of service '${entry.service}' is already running. Pick another version from \`solo history ${entry.service}\`.`, {
      details: { field: 'to_version', value: to },
    });
  }
  const candidates = [...history].reverse().filter((v) => v.version !== current.version);
  const found = to === undefined ? candidates[0] : candidates.find((v) => v.version === to);
  if (!found) {
    const known = [...new Set(history.map((v) => v.version))].join(', ');
    const what = to === undefined ? 'no earlier version to roll back to' : `no version ${to}`;
    throw new SoloError('not_found', `Service '${entry.service}' of tenant '${entry.tenant}' has ${what} in its history (versions kept: ${known}). Run \`solo history ${entry.service}\`.`, {
      details: { kind: 'version', service_id: entry.service, ...(to === undefined ? {} : { version: to }) },
    });
  }
  return found;
}

/** Appends the event (the commit point), then restarts the service on `next`; disposes `next` on failure. */
async function commit(p: CodeChangePort, swaps: HotSwap, entry: ServiceEntry, next: SandboxedActor, code: string, append: () => Promise<number>): Promise<number> {
  let seq: number;
  try {
    await swaps.closeWindow(entry);
    seq = await append();
  } catch (err) {
    next.dispose();
    throw err;
  }
  entry.code = code;
  await p.restartOn(entry, next);
  return seq;
}
