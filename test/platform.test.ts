import { SignJWT } from 'jose';
import { PRINCIPAL_HEADER, signPrincipalHeader } from '../subgraphs/common/src/principal';
import { errorCode, postGraphQL } from '../subgraphs/common/src/testing/graphql-client';
import { DEMO_ACCOUNTS } from '../subgraphs/accounts/src/services/demo-data.service';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

const ALL_BRANDS = [
  'ALDI_TALK', 'BLAU', 'CONGSTAR', 'EDEKA_SMART', 'FONIC', 'FONIC_MOBILE',
  'LIDL_CONNECT', 'NETZCLUB', 'O2', 'TELEKOM', 'VODAFONE_CALLYA', 'WHATSAPP_SIM',
];

describe('platform: the federated stack end to end', () => {
  let stack: TestStack;
  const congstarDemo = DEMO_ACCOUNTS.find((demo) => demo.brandCode === 'CONGSTAR' && demo.topUpCents > 0)!;
  const telekomDemo = DEMO_ACCOUNTS.find((demo) => demo.brandCode === 'TELEKOM' && demo.topUpCents > 0)!;

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.seedDemoData();
  });
  afterAll(() => stack?.stop());

  it('serves the full brand catalogue through the gateway, with unknown facts as null', async () => {
    const token = await stack.token({ role: 'partner', brand: 'CONGSTAR' });
    const response = await stack.query<{ brands: { code: string; name: string; balanceQueryCode: string | null; unknownFacts: string[] }[] }>(
      token,
      '{ brands { code name balanceQueryCode unknownFacts } }',
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.brands.map((brand) => brand.code)).toEqual(ALL_BRANDS);
    const byCode = Object.fromEntries(response.data!.brands.map((brand) => [brand.code, brand]));
    expect(byCode.O2!.balanceQueryCode).toBe('*101#');
    expect(byCode.CONGSTAR!.balanceQueryCode).toBe('*100#');
    expect(byCode.ALDI_TALK!.balanceQueryCode).toBeNull();
    expect(byCode.ALDI_TALK!.unknownFacts).toContain('balanceQueryCode');
    expect(byCode.FONIC!.unknownFacts).toEqual(expect.arrayContaining(['network', 'validitySummary']));
  });

  it('resolves a demo account across all four subgraphs', async () => {
    const token = await stack.token({ role: 'partner', brand: 'CONGSTAR' });
    const response = await stack.query<{
      account: {
        msisdn: string;
        balance: { cents: number; currency: string; formatted: string };
        brand: { code: string; name: string; network: string };
        balanceQueryCode: string;
        topUps: { nodes: unknown[] };
        payouts: unknown[];
      };
    }>(
      token,
      `query Account($id: ID!) {
        account(id: $id) {
          msisdn
          balance { cents currency formatted }
          brand { code name network }
          balanceQueryCode
          topUps(first: 5) { nodes { id } }
          payouts { id }
        }
      }`,
      { id: congstarDemo.id },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.account).toEqual({
      msisdn: congstarDemo.msisdn,
      balance: { cents: 1265, currency: 'EUR', formatted: '12,65\u00a0€' },
      brand: { code: 'CONGSTAR', name: 'congstar Prepaid', network: 'TELEKOM' },
      balanceQueryCode: '*100#',
      topUps: { nodes: [] },
      payouts: [],
    });
  });

  it('keeps a partner to its own brand: another brand\'s account is not found', async () => {
    const token = await stack.token({ role: 'partner', brand: 'CONGSTAR' });
    const response = await stack.query(token, 'query($id: ID!) { account(id: $id) { msisdn } }', { id: telekomDemo.id });
    expect(response.data).toBeNull();
    expect(errorCode(response)).toBe('NOT_FOUND');
  });

  it('gives a customer their own account through me, and nothing else', async () => {
    const token = await stack.token({ role: 'customer', account_id: congstarDemo.id });
    const me = await stack.query<{ me: { id: string } }>(token, '{ me { id balance { cents } } }');
    expect(me.errors).toBeUndefined();
    expect(me.data!.me.id).toBe(congstarDemo.id);
    const other = await stack.query(token, 'query($id: ID!) { account(id: $id) { id } }', { id: telekomDemo.id });
    expect(errorCode(other)).toBe('NOT_FOUND');
  });

  it('refuses requests without a valid token, but allows introspection where configured', async () => {
    const anonymous = await stack.query(undefined, '{ brands { code } }');
    expect(anonymous.status).toBe(401);
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');

    const garbage = await stack.query('not-a-jwt', '{ brands { code } }');
    expect(garbage.status).toBe(401);
    expect(errorCode(garbage)).toBe('UNAUTHENTICATED');

    const forged = await new SignJWT({ role: 'operator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer(stack.config.jwt.issuer)
      .setAudience(stack.config.jwt.audience)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a-different-secret-that-is-long-enough-0123456789'));
    const forgedResponse = await stack.query(forged, '{ brands { code } }');
    expect(errorCode(forgedResponse)).toBe('UNAUTHENTICATED');

    const expired = await stack.token({ role: 'operator' }).then(() =>
      new SignJWT({ role: 'operator' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('late')
        .setIssuer(stack.config.jwt.issuer)
        .setAudience(stack.config.jwt.audience)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(new TextEncoder().encode(stack.config.jwt.secret)),
    );
    expect(errorCode(await stack.query(expired, '{ brands { code } }'))).toBe('UNAUTHENTICATED');

    const introspection = await stack.query<{ __schema: { queryType: { name: string } } }>(undefined, '{ __schema { queryType { name } } }');
    expect(introspection.errors).toBeUndefined();
    expect(introspection.data!.__schema.queryType.name).toBe('Query');
  });

  it('makes subgraphs refuse requests that the gateway did not sign', async () => {
    const url = stack.subgraphs.accounts.url;
    const query = 'query($id: ID!) { account(id: $id) { msisdn } }';
    const unsigned = await postGraphQL(url, query, { id: telekomDemo.id });
    expect(unsigned.status).toBe(401);
    expect(errorCode(unsigned)).toBe('UNAUTHENTICATED');
    expect(unsigned.data).toBeUndefined();

    const operator = { role: 'operator' as const, subject: 'mallory' };
    const wrongKey = await signPrincipalHeader(operator, 'not-the-gateway-secret-but-long-enough-0123456789', 30, 'accounts');
    const forged = await postGraphQL(url, query, { id: telekomDemo.id }, { [PRINCIPAL_HEADER]: wrongKey });
    expect(forged.status).toBe(401);

    const stale = await new SignJWT({ principal: operator })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('guthaben-gateway')
      .setAudience('guthaben-subgraph')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
      .sign(new TextEncoder().encode(stack.config.internalSigningSecret));
    const staleResponse = await postGraphQL(url, query, { id: telekomDemo.id }, { [PRINCIPAL_HEADER]: stale });
    expect(staleResponse.status).toBe(401);

    // A header captured on its way to another subgraph is no good here.
    const forPayments = await signPrincipalHeader(operator, stack.config.internalSigningSecret, 30, 'payments');
    const replayed = await postGraphQL(url, query, { id: telekomDemo.id }, { [PRINCIPAL_HEADER]: forPayments });
    expect({ status: replayed.status, code: errorCode(replayed) }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });

    const valid = await signPrincipalHeader(operator, stack.config.internalSigningSecret, 30, 'accounts');
    const accepted = await postGraphQL<{ account: { msisdn: string } }>(url, query, { id: telekomDemo.id }, { [PRINCIPAL_HEADER]: valid });
    expect(accepted.data?.account.msisdn).toBe(telekomDemo.msisdn);
  });

  it('answers bad input with a coded error', async () => {
    const token = await stack.token({ role: 'operator' });
    const malformed = await stack.query(token, 'query($m: String!) { accountByMsisdn(msisdn: $m) { id } }', { m: '0151-not-e164' });
    expect(errorCode(malformed)).toBe('BAD_USER_INPUT');
    const unknownField = await stack.query(token, '{ brands { nope } }');
    expect(errorCode(unknownField)).toBe('GRAPHQL_VALIDATION_FAILED');
    const unknownBrand = await stack.query(token, '{ brand(code: "NOPE") { name } }');
    expect(errorCode(unknownBrand)).toBe('NOT_FOUND');
  });

  it('reports health and readiness of the gateway and every subgraph', async () => {
    const base = stack.gateway.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      service: 'gateway',
      subgraphs: { accounts: 'up', payments: 'up', policies: 'up', refunds: 'up' },
    });
    for (const subgraph of Object.values(stack.subgraphs)) {
      const response = await fetch(subgraph.url.replace(/\/graphql$/, '/ready'));
      expect(response.status).toBe(200);
    }
  });

  it('serves an offline explorer whose assets all come from the gateway itself', async () => {
    const base = stack.gateway.url.replace(/\/graphql$/, '');
    const page = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="token"');
    expect(html).not.toMatch(/(src|href)="https?:\/\//);
    const assets = [...html.matchAll(/(?:src|href)="(\/explorer\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toHaveLength(4);
    for (const asset of assets) {
      const response = await fetch(`${base}${asset}`);
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });
});
