import { prng } from '../subgraphs/common/src/prng';
import type { DataSource } from 'typeorm';
import { ERROR_CODES } from '../subgraphs/common/src/errors';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';


const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const CASES = 300;

const INJECTIONS = [
  "'; DROP TABLE account; --",
  '" OR 1=1 --',
  "1' UNION SELECT balance_cents FROM account --",
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '${7*7}{{7*7}}',
  '../../../../etc/passwd',
  '\u0000\u0001\u0002',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ \u202e',
  '-1',
  '1e309',
  'null',
];

const VALID = [
  '{ brands { code } }',
  'query($id: ID!) { account(id: $id) { id balance { cents } } }',
  'query($m: String!) { accountByMsisdn(msisdn: $m) { id } }',
  'mutation($input: CreateTopUpInput!) { createTopUp(input: $input) { id } }',
  'mutation($a: ID!, $c: String!) { redeemVoucher(accountId: $a, code: $c) { id } }',
  'mutation($input: LedgerCreditInput!) { creditAccount(input: $input) { replayed } }',
  'mutation($input: LedgerDebitInput!) { debitAccount(input: $input) { replayed } }',
  'query($id: ID!) { topUp(id: $id) { id } }',
  'mutation($input: RequestPayoutInput!) { requestPayout(input: $input) { id } }',
];

function fuzzValue(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * 10);
  switch (pick) {
    case 0:
      return INJECTIONS[Math.floor(random() * INJECTIONS.length)];
    case 1:
      return 'x'.repeat(Math.floor(random() * 200_000));
    case 2:
      return Math.floor(random() * 2 ** 60) * (random() < 0.5 ? -1 : 1);
    case 3:
      return random() * 1000;
    case 4:
      return depth < 3 ? { accountId: fuzzValue(random, depth + 1), amountCents: fuzzValue(random, depth + 1), reference: fuzzValue(random, depth + 1) } : null;
    case 5:
      return depth < 3 ? [fuzzValue(random, depth + 1), fuzzValue(random, depth + 1)] : [];
    case 6:
      return null;
    case 7:
      return random() < 0.5;
    case 8:
      return {
        accountId: INJECTIONS[Math.floor(random() * INJECTIONS.length)],
        amountCents: Math.floor(random() * 5000) - 1000,
        kind: random() < 0.5 ? 'TOP_UP' : 'PAYOUT',
        channel: 'APP_WEB',
        reference: INJECTIONS[Math.floor(random() * INJECTIONS.length)],
        reason: INJECTIONS[Math.floor(random() * INJECTIONS.length)],
        idempotencyKey: INJECTIONS[Math.floor(random() * INJECTIONS.length)],
        iban: 'DE89370400440532013001',
        holderName: INJECTIONS[Math.floor(random() * INJECTIONS.length)],
        reason2: 'TERMINATION',
      };
    default:
      return INJECTIONS[Math.floor(random() * INJECTIONS.length)]!.repeat(1 + Math.floor(random() * 50));
  }
}

function fuzzDocument(random: () => number): string {
  const base = VALID[Math.floor(random() * VALID.length)]!;
  switch (Math.floor(random() * 6)) {
    case 0:
      return base.slice(0, Math.floor(random() * base.length));
    case 1:
      return `${'{ a '.repeat(200 + Math.floor(random() * 800))}${'}'.repeat(Math.floor(random() * 100))}`;
    case 2:
      return base.replace(/\{/g, () => (random() < 0.3 ? '{{' : '{'));
    case 3:
      return `${base} ${INJECTIONS[Math.floor(random() * INJECTIONS.length)]}`;
    case 4:
      return Array.from({ length: 1 + Math.floor(random() * 400) }, (_, i) => `f${i}: __typename`).join(' ');
    default:
      return base;
  }
}

describe(`fuzzing the gateway (seed ${SEED}, ${CASES} cases)`, () => {
  let stack: TestStack;
  let accounts: DataSource;

  beforeAll(async () => {
    stack = await startTestStack({ RATE_LIMIT_PER_MINUTE: '100000' });
    await stack.seedDemoData();
    accounts = stack.subgraphs.accounts.dataSource;
  });
  afterAll(() => stack?.stop());

  const money = async () => {
    const [ledger] = await accounts.query('SELECT COALESCE(SUM(amount_cents), 0) AS total, COUNT(*) AS entries FROM ledger_entry');
    const [balances] = await accounts.query('SELECT COALESCE(SUM(balance_cents), 0) AS total FROM account');
    return { ledger: Number(ledger.total), entries: Number(ledger.entries), balances: Number(balances.total) };
  };

  it('never crashes, never answers 5xx, always gives a coded error, and moves no money', async () => {
    const before = await money();
    expect(before.ledger).toBe(before.balances);
    const random = prng(SEED);
    const roles = ['customer', 'partner', 'operator', 'admin', 'service'] as const;
    const tokens = await Promise.all(
      roles.map((role) => stack.token({ role, ...(role === 'partner' ? { brand: 'CONGSTAR' } : {}), ...(role === 'customer' ? { account_id: 'fuzz-account' } : {}) })),
    );
    const problems: string[] = [];
    const known = new Set<string>([...ERROR_CODES, 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'PERSISTED_QUERY_NOT_FOUND']);

    for (let i = 0; i < CASES; i += 1) {
      const token = tokens[Math.floor(random() * tokens.length)];
      const document = fuzzDocument(random);
      const variables = Object.fromEntries(['id', 'm', 'a', 'c', 'input'].map((name) => [name, fuzzValue(random)]));
      const rawBody = random() < 0.1 ? `{"query": ${JSON.stringify(document)}, "variables": ` : JSON.stringify({ query: document, variables });
      const response = await fetch(stack.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: rawBody,
      });
      const text = await response.text();
      let body: { errors?: { extensions?: { code?: string } }[] } = {};
      try {
        body = JSON.parse(text);
      } catch {
        problems.push(`case ${i}: non-JSON answer ${response.status}: ${text.slice(0, 120)}`);
        continue;
      }
      if (response.status >= 500) problems.push(`case ${i}: HTTP ${response.status} ${text.slice(0, 200)}`);
      for (const error of body.errors ?? []) {
        const code = error.extensions?.code;
        if (!code || !known.has(code)) problems.push(`case ${i}: error without a known code: ${JSON.stringify(error).slice(0, 200)}`);
        if (code === 'INTERNAL_SERVER_ERROR') problems.push(`case ${i}: INTERNAL_SERVER_ERROR for ${document.slice(0, 80)} ${JSON.stringify(variables).slice(0, 200)}`);
      }
      if (/stacktrace|node_modules|\/work\/|QueryFailedError|\bER_[A-Z_]{3,}|\bSQLITE_[A-Z]+|ECONNREFUSED|127\.0\.0\.1:\d+/.test(JSON.stringify(body.errors ?? []))) {
        problems.push(`case ${i}: internals leaked: ${JSON.stringify(body.errors).slice(0, 200)}`);
      }
    }
    expect(problems).toEqual([]);

    for (const url of [stack.gateway.url, ...Object.values(stack.subgraphs).map((subgraph) => subgraph.url)]) {
      expect((await fetch(url.replace(/\/graphql$/, '/health'))).status).toBe(200);
    }
    expect(await money()).toEqual(before);
  });
});
