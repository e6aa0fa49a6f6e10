import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatState, parseState, StateFileError } from '../../src/automation/state.js';

describe('repository state file', () => {
  const valid: [string, string | undefined, object][] = [
    ['absent', undefined, {}],
    ['empty', '', {}],
    [
      'suspended',
      'suspend:\n  by: ann\n  message: freeze\n',
      { suspend: { by: 'ann', message: 'freeze' } },
    ],
    [
      'released holds',
      'releasedHolds:\n  "prod:deployment/api/api": 1.2.0\n',
      { releasedHolds: { 'prod:deployment/api/api': '1.2.0' } },
    ],
  ];
  for (const [name, text, expected] of valid)
    it(`parses: ${name}`, () => {
      assert.deepEqual(parseState(text), expected);
    });

  const invalid: [string, string, RegExp][] = [
    ['unknown key', 'suspended: true\n', /suspended/],
    ['wrong type', 'suspend: yes\n', /suspend/],
    ['not YAML', 'suspend: [\n', /not valid YAML/],
  ];
  for (const [name, text, message] of invalid)
    it(`refuses: ${name}`, () => {
      assert.throws(
        () => parseState(text),
        (error: unknown) => error instanceof StateFileError && message.test(error.message),
      );
    });

  it('formats with a header and round-trips', () => {
    const state = {
      releasedHolds: { a: '1' },
      suspend: { by: 'ann', since: '2026-11-23T00:00:00Z' },
    };
    const text = formatState(state);
    assert.match(text, /^# Written by tagpilot/);
    assert.deepEqual(parseState(text), state);
    assert.deepEqual(parseState(formatState({})), {});
  });
});
