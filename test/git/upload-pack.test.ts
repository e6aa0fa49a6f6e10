import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GitProtocolError } from '../../src/git/errors.js';
import { concatBytes, FLUSH, pktLine } from '../../src/git/pkt-line.js';
import {
  canFetchDirectly,
  parseUploadPackReply,
  UploadPackReplyReader,
  uploadPackRequest,
} from '../../src/git/upload-pack.js';

const OID = 'c'.repeat(40);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const band = (channel: number, payload: string): Uint8Array =>
  pktLine(concatBytes([Uint8Array.of(channel), enc(payload)]));

describe('upload-pack exchange', () => {
  it('wants the head with advertised capabilities, deepens, flushes and says done', () => {
    const body = uploadPackRequest({
      want: OID,
      depth: 1,
      advertised: { 'side-band-64k': true, shallow: true, 'ofs-delta': true, agent: 'git/2' },
      agent: 'tp/1',
    });
    const want = `want ${OID} side-band-64k ofs-delta shallow agent=tp/1\n`;
    assert.equal(
      new TextDecoder().decode(body),
      `${(want.length + 4).toString(16).padStart(4, '0')}${want}000ddeepen 1\n00000009done\n`,
    );
    const full = new TextDecoder().decode(
      uploadPackRequest({ want: OID, depth: 0, advertised: { 'side-band-64k': true }, agent: 'x' }),
    );
    assert.doesNotMatch(full, /deepen/);
  });

  it('needs side-band-64k, and shallow for a shallow clone', () => {
    assert.equal(canFetchDirectly({ 'side-band-64k': true, shallow: true }, 1), true);
    assert.equal(canFetchDirectly({ 'side-band-64k': true }, 1), false);
    assert.equal(canFetchDirectly({ 'side-band-64k': true }, 0), true);
    assert.equal(canFetchDirectly({ shallow: true }, 0), false);
  });

  it('reads the shallow section, NAK, and the pack from channel 1 (ignoring progress)', () => {
    const reply = concatBytes([
      pktLine(`shallow ${OID}\n`),
      FLUSH,
      pktLine('NAK\n'),
      band(2, 'Counting objects\r'),
      band(1, 'PACK'),
      band(1, '-rest'),
      FLUSH,
    ]);
    const result = parseUploadPackReply(reply);
    assert.deepEqual(result.shallows, [OID]);
    assert.equal(new TextDecoder().decode(result.pack), 'PACK-rest');
  });

  it('streams the pack out as the reply arrives, pkt-lines split anywhere', () => {
    const reply = concatBytes([
      pktLine(`shallow ${OID}\n`),
      FLUSH,
      pktLine('NAK\n'),
      band(1, 'PACK'),
      band(2, 'progress\r'),
      band(1, '-one'),
      band(1, '-two'),
      FLUSH,
    ]);
    for (const size of [1, 3, 5, 64]) {
      const pack: string[] = [];
      const reader = new UploadPackReplyReader((bytes) =>
        pack.push(new TextDecoder().decode(bytes)),
      );
      for (let at = 0; at < reply.length; at += size) reader.push(reply.subarray(at, at + size));
      reader.finish();
      assert.equal(pack.join(''), 'PACK-one-two', `chunks of ${size}`);
      assert.deepEqual(reader.shallows, [OID]);
    }
    const cut = new UploadPackReplyReader(() => undefined);
    cut.push(reply.subarray(0, reply.length - 7));
    assert.throws(() => {
      cut.finish();
    }, GitProtocolError);
  });

  it('turns ERR lines and channel 3 into GitProtocolError with the server text', () => {
    assert.throws(
      () => parseUploadPackReply(pktLine('ERR upload-pack: not our ref\n')),
      (e: unknown) => e instanceof GitProtocolError && /not our ref/.test(e.message),
    );
    assert.throws(
      () => parseUploadPackReply(concatBytes([pktLine('NAK\n'), band(3, 'disk full\n')])),
      (e: unknown) => e instanceof GitProtocolError && /disk full/.test(e.message),
    );
    assert.throws(() => parseUploadPackReply(FLUSH), GitProtocolError);
  });
});
