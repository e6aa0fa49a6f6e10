import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, REDACTED, SecretRedactor } from '../../src/telemetry/index.js';

function capture(): { lines: string[]; write(line: string): void } {
  const lines: string[] = [];
  return { lines, write: (line: string) => lines.push(line) };
}

describe('SecretRedactor', () => {
  it('replaces registered secrets, their base64 and JSON-escaped forms', () => {
    const redactor = new SecretRedactor();
    redactor.add('s3cr"et-value');
    const b64 = Buffer.from('s3cr"et-value').toString('base64');
    const text = `plain s3cr"et-value b64 ${b64} json ${JSON.stringify({ v: 's3cr"et-value' })}`;
    const out = redactor.redact(text);
    assert.ok(!out.includes('s3cr'), out);
    assert.ok(!out.includes(b64), out);
    assert.equal(out.split(REDACTED).length - 1, 3);
  });

  it('ignores values too short to be credentials', () => {
    const redactor = new SecretRedactor();
    redactor.add('ab');
    redactor.add(undefined);
    assert.equal(redactor.redact('ab cd ab'), 'ab cd ab');
  });

  it('catches Authorization values and URL user-info nobody registered', () => {
    const redactor = new SecretRedactor();
    assert.equal(
      redactor.redact('Authorization: Bearer eyJhbGciOi.abc.def'),
      `Authorization: Bearer ${REDACTED}`,
    );
    assert.equal(redactor.redact('"Basic dXNlcjpwYXNz"'), `"Basic ${REDACTED}"`);
    assert.equal(
      redactor.redact('clone https://bot:tok3n@git.example.com/a.git'),
      `clone https://bot:${REDACTED}@git.example.com/a.git`,
    );
    assert.equal(
      redactor.redact('see https://git.example.com/a.git'),
      'see https://git.example.com/a.git',
    );
  });
});

describe('createLogger', () => {
  it('writes JSON lines with the level name and redacts at the stream', () => {
    const redactor = new SecretRedactor();
    redactor.add('hunter2-token');
    const out = capture();
    const logger = createLogger({ redactor, destination: out });
    logger.info({ registry: 'ghcr.io', note: 'token hunter2-token used' }, 'scanned');
    logger.warn({ password: 'p4ssw0rd!', nested: { authorization: 'x' } }, 'auth');
    assert.equal(out.lines.length, 2);
    const first = JSON.parse(out.lines[0]!) as Record<string, unknown>;
    assert.equal(first.level, 'info');
    assert.equal(first.msg, 'scanned');
    assert.equal(first.note, `token ${REDACTED} used`);
    assert.ok(!out.lines.join('').includes('p4ssw0rd!'));
    const second = JSON.parse(out.lines[1]!) as {
      password: string;
      nested: { authorization: string };
    };
    assert.equal(second.password, REDACTED);
    assert.equal(second.nested.authorization, REDACTED);
  });

  it('honours the level', () => {
    const out = capture();
    const logger = createLogger({ level: 'warn', destination: out });
    logger.info('hidden');
    logger.error('shown');
    assert.equal(out.lines.length, 1);
    assert.match(out.lines[0]!, /shown/);
  });

  it('renders text lines for people, still redacted', () => {
    const redactor = new SecretRedactor();
    redactor.add('abcd-secret');
    const out = capture();
    createLogger({ format: 'text', redactor, destination: out }).info(
      { slots: 3, token: 'abcd-secret' },
      'cycle done',
    );
    assert.equal(out.lines[0], `INFO  cycle done slots=3 token=${REDACTED}\n`);
  });
});
