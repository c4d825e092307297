// Tests of Mailbox: FIFO order, put-back at the head, removal from the middle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Mailbox } from '../src/mailbox.ts';

describe('Mailbox', () => {
  it('takes messages in the order they were pushed', () => {
    const m = new Mailbox<number>();
    for (const n of [1, 2, 3]) m.push(n);
    assert.equal(m.length, 3);
    assert.deepEqual([m.shift(), m.shift(), m.shift(), m.shift()], [1, 2, 3, undefined]);
    assert.equal(m.length, 0);
  });

  it('puts a message back at the head', () => {
    const m = new Mailbox<string>();
    m.push('b');
    m.unshift('a');
    m.push('c');
    assert.deepEqual(m.drain(), ['a', 'b', 'c']);
  });

  it('removes a queued slot once, and not after it was taken', () => {
    const m = new Mailbox<string>();
    const a = m.push('a');
    const b = m.push('b');
    m.push('c');
    assert.equal(m.remove(b), true);
    assert.equal(m.remove(b), false);
    assert.equal(m.shift(), 'a');
    assert.equal(m.remove(a), false);
    assert.deepEqual(m.drain(), ['c']);
    assert.equal(m.length, 0);
  });
});
