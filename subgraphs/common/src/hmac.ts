import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256Hex(secret: string, data: string | Buffer): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

/** Constant-time comparison of two hex digests; false for anything malformed. */
export function digestsEqual(expectedHex: string, givenHex: string): boolean {
  if (!/^[0-9a-f]+$/i.test(givenHex) || givenHex.length !== expectedHex.length) return false;
  return timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(givenHex, 'hex'));
}

export interface SignedPayloadCheck {
  ok: boolean;
  reason?: 'missing' | 'malformed' | 'stale' | 'forged';
  timestamp?: number;
}

/**
 * Payment-provider style signature header `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * The timestamp is signed too, so an old message cannot be replayed with a fresh time.
 */
export function signTimestampedPayload(secret: string, body: string | Buffer, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${hmacSha256Hex(secret, `${timestampSeconds}.${body.toString()}`)}`;
}

export function verifyTimestampedPayload(
  secret: string,
  header: string | undefined,
  body: string | Buffer,
  nowSeconds: number,
  toleranceSeconds: number,
): SignedPayloadCheck {
  if (!header) return { ok: false, reason: 'missing' };
  const parts = Object.fromEntries(
    header.split(',').map((part) => {
      const index = part.indexOf('=');
      return [part.slice(0, index).trim(), part.slice(index + 1).trim()];
    }),
  );
  const timestamp = Number(parts.t);
  if (!Number.isSafeInteger(timestamp) || typeof parts.v1 !== 'string') return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale', timestamp };
  const expected = hmacSha256Hex(secret, `${timestamp}.${body.toString()}`);
  return digestsEqual(expected, parts.v1) ? { ok: true, timestamp } : { ok: false, reason: 'forged', timestamp };
}
