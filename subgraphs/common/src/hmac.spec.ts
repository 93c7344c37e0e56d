import { digestsEqual, hmacSha256Hex } from './hmac';

const SECRET = 'webhook-secret';

describe('HMAC digests', () => {
  it('compares digests in constant time and rejects non-hex input', () => {
    const digest = hmacSha256Hex(SECRET, 'x');
    expect(digestsEqual(digest, digest)).toBe(true);
    expect(digestsEqual(digest, digest.slice(0, -2))).toBe(false);
    expect(digestsEqual(digest, 'zz'.repeat(32))).toBe(false);
  });
});
