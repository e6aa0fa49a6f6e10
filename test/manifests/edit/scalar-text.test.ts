import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { plainIsSafe, renderScalar } from '../../../src/manifests/edit/index.js';

describe('plainIsSafe', () => {
  const unsafe: [string, string][] = [
    ['1.10', 'a float in YAML 1.1 and 1.2'],
    ['1.25', 'a float'],
    ['42', 'an integer'],
    ['0755', 'octal in YAML 1.1'],
    ['0x1F', 'hexadecimal'],
    ['1_000', 'an integer in YAML 1.1'],
    ['1:20', 'sexagesimal in YAML 1.1'],
    ['1e3', 'a float'],
    ['.inf', 'infinity'],
    ['on', 'a YAML 1.1 boolean'],
    ['yes', 'a YAML 1.1 boolean'],
    ['NO', 'a YAML 1.1 boolean'],
    ['True', 'a boolean'],
    ['null', 'null'],
    ['~', 'null'],
    ['', 'null when empty'],
    ['2001-12-14', 'a YAML 1.1 timestamp'],
    ['@latest', 'a reserved indicator'],
    ['*ref', 'an alias'],
    ['&ref', 'an anchor'],
    ['!tag', 'a tag'],
    ['%x', 'a directive'],
    ['-x', 'a sequence entry indicator'],
    ['a: b', 'a mapping'],
    ['a #b', 'a comment'],
    ['key:', 'a mapping key'],
    [' padded', 'leading space'],
    ['two\nlines', 'a line break'],
    ['tab\there', 'a tab'],
  ];
  for (const [value, why] of unsafe)
    it(`quotes ${JSON.stringify(value)} (${why})`, () => {
      assert.equal(plainIsSafe(value, false), false);
    });

  for (const value of [
    'nginx:1.25',
    'ghcr.io/acme/api:1.4.2',
    'semver:~1.4',
    'glob:prod-*',
    'v1.10',
    'café',
  ])
    it(`writes ${JSON.stringify(value)} plain`, () => {
      assert.equal(plainIsSafe(value, false), true);
    });

  it('refuses flow indicators only inside flow collections', () => {
    assert.equal(plainIsSafe('a,b', false), true);
    assert.equal(plainIsSafe('a,b', true), false);
    assert.equal(plainIsSafe('x{y}', true), false);
  });
});

describe('renderScalar', () => {
  it('keeps the style when it can and reads back as the same string', () => {
    const cases: [string, 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE', string][] = [
      ['nginx:1.27', 'PLAIN', 'nginx:1.27'],
      ['1.10', 'PLAIN', '"1.10"'],
      ["it's", 'QUOTE_SINGLE', "'it''s'"],
      ['a\nb', 'QUOTE_SINGLE', '"a\\nb"'],
      ['say "hi"', 'QUOTE_DOUBLE', '"say \\"hi\\""'],
      ['tab\t', 'QUOTE_DOUBLE', '"tab\\t"'],
    ];
    for (const [value, style, text] of cases) {
      assert.equal(renderScalar(value, style, false), text);
      assert.deepEqual(parse(`k: ${text}`), { k: value });
    }
  });
});
