import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unifiedDiff } from '../../src/automation/diff.js';

const lines = (n: number, change?: [number, string]): string =>
  Array.from({ length: n }, (_, i) =>
    change !== undefined && change[0] === i ? change[1] : `line ${i + 1}`,
  ).join('\n') + '\n';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    assert.equal(unifiedDiff('a.yaml', 'x\n', 'x\n'), '');
  });

  it('one changed line with three lines of context', () => {
    assert.equal(
      unifiedDiff('a.yaml', lines(10), lines(10, [4, 'changed'])),
      '--- a/a.yaml\n+++ b/a.yaml\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+changed\n line 6\n line 7\n line 8\n',
    );
  });

  it('two distant changes make two hunks; near ones merge', () => {
    const far = unifiedDiff('a', lines(30), lines(30, [2, 'x']).replace('line 25\n', 'y\n'));
    assert.equal(far.match(/^@@/gm)?.length, 2);
    const near = unifiedDiff('a', lines(30), lines(30, [2, 'x']).replace('line 7\n', 'y\n'));
    assert.equal(near.match(/^@@/gm)?.length, 1);
  });

  it('an added line (annotation edit) through the LCS path', () => {
    const diff = unifiedDiff('a', 'a\nb\nc\n', 'a\nb\nnew\nc\n');
    assert.equal(diff, '--- a/a\n+++ b/a\n@@ -1,3 +1,4 @@\n a\n b\n+new\n c\n');
  });

  it('the first line changed', () => {
    assert.equal(
      unifiedDiff('a', 'x\ny\n', 'z\ny\n'),
      '--- a/a\n+++ b/a\n@@ -1,2 +1,2 @@\n-x\n+z\n y\n',
    );
  });
});
