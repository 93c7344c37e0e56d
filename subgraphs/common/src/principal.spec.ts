import { SignJWT } from 'jose';
import { PrincipalError, signPrincipalHeader, verifyPrincipalHeader } from './principal';

const SECRET = 'unit-test-internal-secret-0123456789-abcdef';

describe('principal header', () => {
  it('round-trips a signed principal', async () => {
    const header = await signPrincipalHeader({ role: 'partner', subject: 'app', brand: 'O2' }, SECRET, 30, 'accounts');
    await expect(verifyPrincipalHeader(header, SECRET, 30, 'accounts')).resolves.toEqual({ role: 'partner', subject: 'app', brand: 'O2' });
  });

  it('refuses missing, forged, tampered and stale headers', async () => {
    await expect(verifyPrincipalHeader(undefined, SECRET, 30, 'accounts')).rejects.toBeInstanceOf(PrincipalError);
    const forged = await signPrincipalHeader({ role: 'admin', subject: 'x' }, 'another-secret-0123456789-0123456789-abc', 30, 'accounts');
    await expect(verifyPrincipalHeader(forged, SECRET, 30, 'accounts')).rejects.toBeInstanceOf(PrincipalError);

    const valid = await signPrincipalHeader({ role: 'customer', subject: 'c', accountId: 'a1' }, SECRET, 30, 'accounts');
    const [head, , signature] = valid.split('.');
    const escalated = Buffer.from(JSON.stringify({ principal: { role: 'admin', subject: 'c' } })).toString('base64url');
    await expect(verifyPrincipalHeader(`${head}.${escalated}.${signature}`, SECRET, 30, 'accounts')).rejects.toBeInstanceOf(PrincipalError);

    const now = Math.floor(Date.now() / 1000);
    const stale = await new SignJWT({ principal: { role: 'operator', subject: 'o' } })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('guthaben-gateway')
      .setAudience('guthaben-subgraph')
      .setIssuedAt(now - 120)
      .setExpirationTime(now + 120)
      .sign(new TextEncoder().encode(SECRET));
    await expect(verifyPrincipalHeader(stale, SECRET, 30, 'accounts')).rejects.toBeInstanceOf(PrincipalError);
  });

  it('binds a header to the subgraph it was signed for: another subgraph refuses it', async () => {
    const header = await signPrincipalHeader({ role: 'partner', subject: 'app', brand: 'O2' }, SECRET, 30, 'payments');
    await expect(verifyPrincipalHeader(header, SECRET, 30, 'payments')).resolves.toEqual({ role: 'partner', subject: 'app', brand: 'O2' });
    for (const other of ['accounts', 'policies', 'refunds'] as const) {
      await expect(verifyPrincipalHeader(header, SECRET, 30, other)).rejects.toBeInstanceOf(PrincipalError);
    }
  });

  it('refuses principals that lack what their role needs', async () => {
    const noAccount = await signPrincipalHeader({ role: 'customer', subject: 'c' }, SECRET, 30, 'accounts');
    await expect(verifyPrincipalHeader(noAccount, SECRET, 30, 'accounts')).rejects.toThrow('malformed principal');
    const noBrand = await signPrincipalHeader({ role: 'partner', subject: 'p' }, SECRET, 30, 'accounts');
    await expect(verifyPrincipalHeader(noBrand, SECRET, 30, 'accounts')).rejects.toThrow('malformed principal');
  });

  it('stops accepting a header it accepted before once it is older than the maximum age', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-22T10:00:00Z') });
    try {
      const header = await signPrincipalHeader({ role: 'operator', subject: 'o' }, SECRET, 30, 'accounts');
      await expect(verifyPrincipalHeader(header, SECRET, 30, 'accounts')).resolves.toEqual({ role: 'operator', subject: 'o' });
      jest.setSystemTime(new Date('2026-11-22T10:00:20Z'));
      await expect(verifyPrincipalHeader(header, SECRET, 30, 'accounts')).resolves.toEqual({ role: 'operator', subject: 'o' });
      jest.setSystemTime(new Date('2026-11-22T10:00:33Z'));
      await expect(verifyPrincipalHeader(header, SECRET, 30, 'accounts')).rejects.toBeInstanceOf(PrincipalError);
    } finally {
      jest.useRealTimers();
    }
  });

  it('hands every caller its own principal object', async () => {
    const header = await signPrincipalHeader({ role: 'partner', subject: 'app', brand: 'O2' }, SECRET, 30, 'accounts');
    const first = await verifyPrincipalHeader(header, SECRET, 30, 'accounts');
    first.brand = 'TELEKOM';
    await expect(verifyPrincipalHeader(header, SECRET, 30, 'accounts')).resolves.toMatchObject({ brand: 'O2' });
  });
});
