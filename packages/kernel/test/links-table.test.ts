// The links and monitors table: one-shot monitors, symmetric links, and what a departure leaves to deliver.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LinksTable, MAX_MONITORS_PER_ACTOR } from '../src/links/links-table.ts';

describe('LinksTable', () => {
  it('fires each monitor of a departed actor once and forgets the monitors it held', () => {
    const t = new LinksTable();
    const r1 = t.monitor('a/w', 'a/x');
    const r2 = t.monitor('a/v', 'a/x');
    const own = t.monitor('a/x', 'a/w');
    assert.deepEqual(t.depart('a/x'), { downs: [{ watcher: 'a/w', ref: r1 }, { watcher: 'a/v', ref: r2 }], links: [] });
    assert.deepEqual(t.depart('a/x'), { downs: [], links: [] });
    assert.equal(t.demonitor('a/x', own), false);
    assert.deepEqual(t.depart('a/w'), { downs: [], links: [] });
  });

  it('removes a monitor only for its own watcher', () => {
    const t = new LinksTable();
    const ref = t.monitor('a/w', 'a/x');
    assert.equal(t.demonitor('a/other', ref), false);
    assert.equal(t.demonitor('a/w', ref), true);
    assert.equal(t.demonitor('a/w', ref), false);
    assert.deepEqual(t.depart('a/x').downs, []);
  });

  it('links both ways, idempotently, and a departure unlinks both sides', () => {
    const t = new LinksTable();
    t.link('a/p', 'a/q');
    t.link('a/q', 'a/p');
    t.link('a/p', 'a/r');
    assert.equal(t.linked('a/q', 'a/p'), true);
    assert.deepEqual(t.count('a/p'), { monitors: 0, watchers: 0, links: 2 });
    assert.deepEqual(t.depart('a/p').links.sort(), ['a/q', 'a/r']);
    assert.equal(t.linked('a/q', 'a/p'), false);
    assert.deepEqual(t.count('a/q'), { monitors: 0, watchers: 0, links: 0 });
    t.link('a/q', 'a/r');
    t.unlink('a/r', 'a/q');
    assert.deepEqual(t.depart('a/q').links, []);
  });

  it('refuses more monitors than the limit with limit_exceeded', () => {
    const t = new LinksTable();
    for (let i = 0; i < MAX_MONITORS_PER_ACTOR; i++) t.monitor('a/w', `a/x${i % 7}`);
    assert.throws(() => t.monitor('a/w', 'a/x'), { code: 'limit_exceeded' });
  });
});
