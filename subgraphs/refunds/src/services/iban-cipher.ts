import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';

/**
 * IBANs at rest: AES-256-GCM with a fresh 96-bit nonce per value, stored as
 * `v1.<nonce>.<tag>.<ciphertext>` (base64). The tag makes a tampered or wrongly keyed value fail
 * loudly instead of decrypting to garbage.
 */
export class IbanCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the IBAN key must be 32 bytes');
  }

  encrypt(plain: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.key, nonce);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, nonce.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join('.');
  }

  decrypt(stored: string): string {
    const [version, nonce, tag, ciphertext] = stored.split('.');
    if (version !== VERSION || !nonce || !tag || ciphertext === undefined) throw new Error('unknown IBAN encryption format');
    const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(nonce, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }
}
