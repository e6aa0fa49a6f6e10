import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GitProtocolError } from '../../src/git/errors.js';
import { concatBytes, FLUSH, pktLine, readPackets } from '../../src/git/pkt-line.js';
import {
  chooseCapabilities,
  isRaceReason,
  parseReceivePackReply,
  receivePackRequest,
  ZERO_OID,
} from '../../src/git/receive-pack.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const band = (channel: number, payload: Uint8Array): Uint8Array =>
  pktLine(concatBytes([Uint8Array.of(channel), payload]));

describe('pkt-line', () => {
  it('prefixes the length including its own four bytes', () => {
    assert.equal(new TextDecoder().decode(pktLine('a\n')), '0006a\n');
    assert.equal(new TextDecoder().decode(pktLine('')), '0004');
  });

  it('reads packets and flushes back', () => {
    const packets = readPackets(concatBytes([pktLine('one\n'), FLUSH, pktLine('two')]));
    assert.deepEqual(
      packets.map((p) => (p.data === undefined ? null : new TextDecoder().decode(p.data))),
      ['one\n', null, 'two'],
    );
  });

  it('rejects truncated and malformed input', () => {
    assert.throws(() => readPackets(enc('00')), GitProtocolError);
    assert.throws(() => readPackets(enc('0010abc')), GitProtocolError);
    assert.throws(() => readPackets(enc('zzzz')), GitProtocolError);
  });
});

describe('receive-pack request', () => {
  it('puts the capabilities after a NUL on the first command only, then a flush and the pack', () => {
    const pack = enc('PACK....');
    const body = receivePackRequest(
      [
        { ref: 'refs/heads/main', oldOid: A, newOid: B },
        { ref: 'refs/heads/bot', oldOid: ZERO_OID, newOid: B },
      ],
      ['report-status', 'side-band-64k'],
      pack,
    );
    const text = new TextDecoder().decode(body);
    const first = `${A} ${B} refs/heads/main\0report-status side-band-64k\n`;
    const second = `${ZERO_OID} ${B} refs/heads/bot\n`;
    const firstLen = (first.length + 4).toString(16).padStart(4, '0');
    const secondLen = (second.length + 4).toString(16).padStart(4, '0');
    assert.equal(text, `${firstLen}${first}${secondLen}${second}0000PACK....`);
  });

  it('asks only for advertised capabilities and requires report-status', () => {
    assert.deepEqual(
      chooseCapabilities({ 'report-status': true, 'side-band-64k': true, agent: 'git/2' }, 'tp/1'),
      ['report-status', 'side-band-64k', 'agent=tp/1'],
    );
    assert.deepEqual(chooseCapabilities({ 'report-status': true }, 'tp/1'), ['report-status']);
    assert.throws(() => chooseCapabilities({ 'side-band-64k': true }, 'tp/1'), GitProtocolError);
  });
});

describe('receive-pack reply', () => {
  const status = (...lines: string[]): Uint8Array =>
    concatBytes([...lines.map((line) => pktLine(`${line}\n`)), FLUSH]);

  it('parses ok and ng per ref without side-band', () => {
    const reply = parseReceivePackReply(
      status('unpack ok', 'ok refs/heads/main', 'ng refs/heads/bot pre-receive hook declined'),
      false,
    );
    assert.equal(reply.unpackError, undefined);
    assert.deepEqual(reply.refs, [
      { ref: 'refs/heads/main', ok: true, reason: undefined },
      { ref: 'refs/heads/bot', ok: false, reason: 'pre-receive hook declined' },
    ]);
  });

  it('demultiplexes side-band: status on 1, hook output on 2 (keeping the last \\r redraw), fatal on 3', () => {
    const body = concatBytes([
      band(2, enc('policy: main needs review\n')),
      band(2, enc('Resolving 10%\rResolving 100%\n')),
      band(1, status('unpack ok', 'ng refs/heads/main pre-receive hook declined')),
      FLUSH,
    ]);
    const reply = parseReceivePackReply(body, true);
    assert.deepEqual(reply.messages, ['policy: main needs review', 'Resolving 100%']);
    assert.equal(reply.refs[0]?.ok, false);
    assert.equal(reply.fatal, undefined);
    const fatal = parseReceivePackReply(
      concatBytes([band(1, status('unpack ok')), band(3, enc('out of disk\n'))]),
      true,
    );
    assert.equal(fatal.fatal, 'out of disk');
  });

  it('reports an unpack failure and refuses a reply without report-status', () => {
    assert.equal(
      parseReceivePackReply(status('unpack index-pack failed'), false).unpackError,
      'index-pack failed',
    );
    assert.throws(
      () => parseReceivePackReply(status('ok refs/heads/main'), false),
      GitProtocolError,
    );
  });

  it('tells ref races from refusals', () => {
    const cases: [string | undefined, string[], boolean][] = [
      [
        'failed to update ref',
        [`error: cannot lock ref 'refs/heads/main': is at ${A} but expected ${B}`],
        true,
      ],
      ['fetch first', [], true],
      ['stale info', [], true],
      ['non-fast-forward', [], true],
      ['pre-receive hook declined', ['policy: no'], false],
      ['deny updating a hidden ref', [], false],
      [undefined, [], false],
    ];
    for (const [reason, messages, race] of cases) {
      assert.equal(isRaceReason(reason, messages), race, String(reason));
    }
  });
});
