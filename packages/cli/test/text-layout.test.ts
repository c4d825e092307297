// Aligned tables and key: value blocks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderFields, renderTable } from '../src/text-layout.ts';

describe('renderTable', () => {
  it('pads every column but the last to its widest cell', () => {
    assert.equal(
      renderTable(
        ['A', 'LONG'],
        [
          ['xyz', '1'],
          ['q', '22'],
        ],
      ),
      ['A    LONG', 'xyz  1', 'q    22'].join('\n'),
    );
  });
});

describe('renderFields', () => {
  it('aligns the values after the keys', () => {
    assert.equal(
      renderFields([
        ['id', 'a'],
        ['status', 'b'],
      ]),
      ['id:     a', 'status: b'].join('\n'),
    );
  });
});
