import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import { loadConfig } from '../../subgraphs/common/src/config';
import { TokenError, createTokenVerifier, issueDevelopmentToken } from './jwt';
import type { Config } from '../../subgraphs/common/src/config';

describe('access tokens', () => {
  const config = loadConfig({});

  it('turns a development token into the principal it names', async () => {
    const verify = await createTokenVerifier(config);
    const token = await issueDevelopmentToken(config, { sub: 'app', role: 'partner', brand: 'CONGSTAR' });
    await expect(verify(token)).resolves.toEqual({ role: 'partner', subject: 'app', brand: 'CONGSTAR' });
    const customer = await issueDevelopmentToken(config, { sub: 'c', role: 'customer', account_id: 'acc-1' });
    await expect(verify(customer)).resolves.toEqual({ role: 'customer', subject: 'c', accountId: 'acc-1' });
  });

  it('refuses tokens without exp, with the wrong issuer or audience, or with claims that do not fit the role', async () => {
    const verify = await createTokenVerifier(config);
    const key = new TextEncoder().encode(config.jwt.secret);
    const base = () => new SignJWT({ role: 'operator' }).setProtectedHeader({ alg: 'HS256' }).setSubject('o');
    const noExp = await base().setIssuer(config.jwt.issuer).setAudience(config.jwt.audience).sign(key);
    await expect(verify(noExp)).rejects.toBeInstanceOf(TokenError);
    const wrongIssuer = await base().setIssuer('someone-else').setAudience(config.jwt.audience).setExpirationTime('5m').sign(key);
    await expect(verify(wrongIssuer)).rejects.toBeInstanceOf(TokenError);
    const wrongAudience = await base().setIssuer(config.jwt.issuer).setAudience('other').setExpirationTime('5m').sign(key);
    await expect(verify(wrongAudience)).rejects.toBeInstanceOf(TokenError);
    const notYet = await base().setIssuer(config.jwt.issuer).setAudience(config.jwt.audience).setNotBefore('10m').setExpirationTime('20m').sign(key);
    await expect(verify(notYet)).rejects.toBeInstanceOf(TokenError);
    const partnerWithoutBrand = await new SignJWT({ role: 'partner' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('p')
      .setIssuer(config.jwt.issuer)
      .setAudience(config.jwt.audience)
      .setExpirationTime('5m')
      .sign(key);
    await expect(verify(partnerWithoutBrand)).rejects.toThrow('partner token needs a known brand');
    await expect(issueDevelopmentToken(config, { sub: 'x', role: 'partner', brand: 'NOT_A_BRAND' })).rejects.toBeInstanceOf(TokenError);
  });

  it('refuses tokens without iss or aud, and tokens issued in the future beyond the clock leeway', async () => {
    const key = new TextEncoder().encode(config.jwt.secret);
    const { production, privateKey } = await es256Setup();
    const signers: [Config, (token: SignJWT) => Promise<string>][] = [
      [config, (token) => token.setProtectedHeader({ alg: 'HS256' }).sign(key)],
      [production, (token) => token.setProtectedHeader({ alg: 'ES256' }).sign(privateKey)],
    ];
    for (const [settings, signWith] of signers) {
      const verify = await createTokenVerifier(settings);
      const base = () => new SignJWT({ role: 'operator' }).setSubject('o').setExpirationTime('5m');
      await expect(verify(await signWith(base().setAudience(settings.jwt.audience)))).rejects.toThrow(TokenError);
      await expect(verify(await signWith(base().setIssuer(settings.jwt.issuer)))).rejects.toThrow(TokenError);
      const complete = () => base().setIssuer(settings.jwt.issuer).setAudience(settings.jwt.audience);
      await expect(verify(await signWith(complete().setIssuedAt()))).resolves.toEqual({ role: 'operator', subject: 'o' });
      // Within the 5 s leeway a clock running slightly ahead is tolerated; a minute ahead is not.
      const now = Math.floor(Date.now() / 1000);
      await expect(verify(await signWith(complete().setIssuedAt(now + 3)))).resolves.toEqual({ role: 'operator', subject: 'o' });
      await expect(verify(await signWith(complete().setIssuedAt(now + 60)))).rejects.toThrow(TokenError);
    }
  });

  it('does not let a verified HS256 token vouch for a tampered copy of it', async () => {
    const verify = await createTokenVerifier(config);
    const token = await issueDevelopmentToken(config, { sub: 'app', role: 'partner', brand: 'O2' });
    await expect(verify(token)).resolves.toEqual({ role: 'partner', subject: 'app', brand: 'O2' });
    await expect(verify(escalatedCopy(token, config))).rejects.toBeInstanceOf(TokenError);
    await expect(verify(token)).resolves.toEqual({ role: 'partner', subject: 'app', brand: 'O2' });
  });

  it('does not let a cached ES256 token vouch for a tampered copy of it', async () => {
    const { production, sign } = await es256Setup();
    const verify = await createTokenVerifier(production);
    const token = await sign('app', { role: 'partner', brand: 'O2' });
    // The second check of the same token is answered from the cache; the tampered copy must not be.
    await expect(verify(token)).resolves.toEqual({ role: 'partner', subject: 'app', brand: 'O2' });
    await expect(verify(token)).resolves.toEqual({ role: 'partner', subject: 'app', brand: 'O2' });
    await expect(verify(escalatedCopy(token, production))).rejects.toBeInstanceOf(TokenError);
  });

  it('pins the configured algorithm: with ES256 and a public key, an HS256 token is refused', async () => {
    const { production, sign } = await es256Setup();
    const verify = await createTokenVerifier(production);
    const good = await sign('ops', { role: 'admin' });
    await expect(verify(good)).resolves.toEqual({ role: 'admin', subject: 'ops' });
    const hs = await issueDevelopmentToken(config, { sub: 'ops', role: 'admin' });
    await expect(verify(hs)).rejects.toBeInstanceOf(TokenError);
  });
});

/** The token's header and signature around a payload that claims the admin role. */
function escalatedCopy(token: string, settings: Config): string {
  const [head, , signature] = token.split('.');
  const escalated = Buffer.from(JSON.stringify({ sub: 'app', role: 'admin', iss: settings.jwt.issuer, aud: settings.jwt.audience, exp: 4102444800 })).toString('base64url');
  return `${head}.${escalated}.${signature}`;
}

/** A configuration pinned to ES256 with a fresh public key, and a signer of tokens it accepts. */
async function es256Setup(): Promise<{
  production: Config;
  sign: (subject: string, claims: Record<string, unknown>) => Promise<string>;
  privateKey: CryptoKey;
}> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const production = loadConfig({ JWT_ALGORITHM: 'ES256', JWT_PUBLIC_KEY: await exportSPKI(publicKey) });
  const sign = (subject: string, claims: Record<string, unknown>): Promise<string> =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(subject)
      .setIssuer(production.jwt.issuer)
      .setAudience(production.jwt.audience)
      .setExpirationTime('5m')
      .sign(privateKey);
  return { production, sign, privateKey };
}
