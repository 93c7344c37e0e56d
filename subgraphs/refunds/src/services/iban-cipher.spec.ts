import { randomBytes } from 'node:crypto';
import { IbanCipher } from './iban-cipher';

describe('IbanCipher (AES-256-GCM)', () => {
  const cipher = new IbanCipher(randomBytes(32));

  it('round-trips and never stores the clear IBAN; every encryption differs', () => {
    const first = cipher.encrypt('DE89370400440532013000');
    const second = cipher.encrypt('DE89370400440532013000');
    expect(first).not.toContain('DE89');
    expect(first).not.toBe(second);
    expect(cipher.decrypt(first)).toBe('DE89370400440532013000');
  });

  it('fails on a tampered value or another key', () => {
    const stored = cipher.encrypt('DE89370400440532013000');
    const parts = stored.split('.');
    const flipped = Buffer.from(parts[3]!, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => cipher.decrypt([parts[0], parts[1], parts[2], flipped.toString('base64')].join('.'))).toThrow();
    expect(() => new IbanCipher(randomBytes(32)).decrypt(stored)).toThrow();
    expect(() => new IbanCipher(randomBytes(16))).toThrow();
  });
});
