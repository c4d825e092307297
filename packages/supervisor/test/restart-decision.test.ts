import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExitReason, RestartType } from '@solo/protocol';
import { DEFAULT_BACKOFF, decideRestart, shouldRestart } from '../src/index.ts';
import { CRASH, NORMAL, SHUTDOWN } from './tree-harness.ts';

const EXITS: Record<ExitReason['kind'], ExitReason> = { normal: NORMAL, shutdown: SHUTDOWN, crash: CRASH };

// Each restart type × each exit kind, as OTP defines them.
const TABLE: { restart: RestartType; normal: boolean; shutdown: boolean; crash: boolean }[] = [
  { restart: 'permanent', normal: true, shutdown: true, crash: true },
  { restart: 'transient', normal: false, shutdown: false, crash: true },
  { restart: 'temporary', normal: false, shutdown: false, crash: false },
];

describe('shouldRestart', () => {
  for (const row of TABLE) {
    for (const kind of ['normal', 'shutdown', 'crash'] as const) {
      it(`${row[kind] ? 'restarts' : 'does not restart'} a ${row.restart} child after a ${kind} exit`, () => {
        assert.equal(shouldRestart(row.restart, EXITS[kind]), row[kind]);
      });
    }
  }
});

describe('decideRestart', () => {
  const base = {
    restart: 'permanent' as RestartType,
    reason: CRASH,
    history: [] as number[],
    nowMs: 10_000,
    intensity: { maxRestarts: 2, maxSeconds: 5 },
    backoff: { ...DEFAULT_BACKOFF, initialMs: 100 },
    random: () => 0.5,
  };

  it('restarts with the attempt counted in the window and its backoff', () => {
    assert.deepEqual(decideRestart({ ...base, history: [9000] }), {
      kind: 'restart',
      history: [9000, 10_000],
      attempt: 2,
      delayMs: 200,
    });
  });

  it('gives up once the intensity is exceeded, naming the limit and the last exit', () => {
    const d = decideRestart({ ...base, history: [8000, 9000] });
    assert.equal(d.kind, 'give_up');
    assert.ok(
      d.kind === 'give_up' &&
        d.reason.includes('more than 2 restart(s) within 5 s') &&
        d.reason.includes('service_crashed'),
    );
  });

  it('does not touch the history when no restart is due', () => {
    assert.deepEqual(decideRestart({ ...base, restart: 'transient', reason: NORMAL, history: [8000, 9000] }), {
      kind: 'no_restart',
    });
  });
});
