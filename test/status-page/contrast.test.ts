/**
 * The status page's colours meet WCAG 2.2 AA for text (contrast ratio at least 4.5:1): every
 * rule of style.css that sets both a text colour and a background, and the page's text, muted
 * text and link colours on white. Ratios as WCAG defines them (relative luminance of sRGB).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const CSS = readFileSync(path.join(import.meta.dirname, '../../src/status-page/style.css'), 'utf8');
const WHITE = '#ffffff';

function luminance(hex: string): number {
  const value = hex.replace('#', '');
  const full =
    value.length === 3
      ? value
          .split('')
          .map((c) => c + c)
          .join('')
      : value;
  const [r = 0, g = 0, b = 0] = [0, 2, 4].map((i) => {
    const channel = Number.parseInt(full.slice(i, i + 2), 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

function variable(name: string): string {
  const match = new RegExp(`--${name}:\\s*(#[0-9a-f]{3,6})`, 'i').exec(CSS);
  assert.ok(match?.[1], `--${name} is defined`);
  return match[1];
}

describe('status page colours', () => {
  it('computes contrast as WCAG does', () => {
    assert.equal(Math.round(contrast('#000000', WHITE) * 10) / 10, 21);
    assert.equal(contrast('#777777', '#777777'), 1);
  });

  it('keeps text, muted text and links at 4.5:1 or more on white and on the table heads', () => {
    for (const name of ['text', 'muted', 'link'])
      for (const background of [WHITE, variable('surface')])
        assert.ok(contrast(variable(name), background) >= 4.5, `--${name} on ${background}`);
  });

  it('keeps every coloured badge and banner at 4.5:1 or more', () => {
    const rules = [...CSS.matchAll(/([^{}]+)\{([^}]*)\}/g)].flatMap((rule) => {
      const background = /background:\s*(#[0-9a-f]{3,6})\b/i.exec(rule[2] ?? '')?.[1];
      const color = /(?:^|[\s;])color:\s*(#[0-9a-f]{3,6})\b/i.exec(rule[2] ?? '')?.[1];
      return background !== undefined && color !== undefined
        ? [{ selector: (rule[1] ?? '').trim(), background, color }]
        : [];
    });
    assert.ok(rules.length >= 5, `found ${rules.length} coloured rules`);
    for (const { selector, background, color } of rules)
      assert.ok(
        contrast(color, background) >= 4.5,
        `${selector}: ${color} on ${background} is ${contrast(color, background).toFixed(2)}:1`,
      );
  });
});
