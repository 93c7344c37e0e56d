import { digestsEqual, hmacSha256Hex, signTimestampedPayload, verifyTimestampedPayload } from './hmac';

const SECRET = 'webhook-secret';

describe('timestamped HMAC signatures', () => {
  const body = JSON.stringify({ event: 'payment.succeeded', order: 'o1' });

  it('accepts a fresh, correctly signed payload', () => {
    const header = signTimestampedPayload(SECRET, body, 1_700_000_000);
    expect(verifyTimestampedPayload(SECRET, header, body, 1_700_000_100, 300)).toEqual({ ok: true, timestamp: 1_700_000_000 });
  });

  it('refuses missing, malformed, stale, forged and tampered payloads', () => {
    const header = signTimestampedPayload(SECRET, body, 1_700_000_000);
    expect(verifyTimestampedPayload(SECRET, undefined, body, 1_700_000_000, 300).reason).toBe('missing');
    expect(verifyTimestampedPayload(SECRET, 'v1=abc', body, 1_700_000_000, 300).reason).toBe('malformed');
    expect(verifyTimestampedPayload(SECRET, header, body, 1_700_000_301, 300).reason).toBe('stale');
    expect(verifyTimestampedPayload('other-secret', header, body, 1_700_000_000, 300).reason).toBe('forged');
    expect(verifyTimestampedPayload(SECRET, header, body.replace('o1', 'o2'), 1_700_000_000, 300).reason).toBe('forged');
    const retimed = header.replace('t=1700000000', 't=1700000200');
    expect(verifyTimestampedPayload(SECRET, retimed, body, 1_700_000_200, 300).reason).toBe('forged');
  });

  it('compares digests in constant time and rejects non-hex input', () => {
    const digest = hmacSha256Hex(SECRET, 'x');
    expect(digestsEqual(digest, digest)).toBe(true);
    expect(digestsEqual(digest, digest.slice(0, -2))).toBe(false);
    expect(digestsEqual(digest, 'zz'.repeat(32))).toBe(false);
  });
});
