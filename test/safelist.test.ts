import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeOperation, operationId } from '../gateway/src/safelist';
import { errorCode, postGraphQL } from '../subgraphs/common/src/testing/graphql-client';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

const REGISTERED = `query CongstarBrands {
  brands { code name }
}`;

describe('operation safelisting for partner frontends', () => {
  let stack: TestStack;
  let directory: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'guthaben-safelist-'));
    const manifest = join(directory, 'safelist.json');
    writeFileSync(
      manifest,
      JSON.stringify({ operations: [{ id: operationId(REGISTERED), name: 'CongstarBrands', brands: ['CONGSTAR'], body: normalizeOperation(REGISTERED) }] }),
    );
    stack = await startTestStack({ SAFELIST_PATH: manifest, SAFELIST_ENFORCE: 'partners' });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  const send = (token: string, body: Record<string, unknown>) =>
    fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    }).then(async (response) => ({ status: response.status, ...((await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] }) }));

  it('runs a registered operation for its brand, sent in full (any formatting) or by id only', async () => {
    const congstar = await stack.token({ role: 'partner', brand: 'CONGSTAR' });
    const full = await stack.query(congstar, 'query CongstarBrands { brands { code   name } } # same operation');
    expect(full.errors).toBeUndefined();
    const byId = await send(congstar, { extensions: { persistedQuery: { version: 1, sha256Hash: operationId(REGISTERED) } } });
    expect(byId.errors).toBeUndefined();
    expect((byId.data as { brands: unknown[] }).brands.length).toBe(12);
  });

  it('refuses partners anything unregistered, and other brands the registered one; internal roles are not limited', async () => {
    const congstar = await stack.token({ role: 'partner', brand: 'CONGSTAR' });
    expect(errorCode(await stack.query(congstar, '{ brands { code } }'))).toBe('FORBIDDEN');
    const telekom = await stack.token({ role: 'partner', brand: 'TELEKOM' });
    expect(errorCode(await stack.query(telekom, REGISTERED))).toBe('FORBIDDEN');
    const unknownId = await send(congstar, { extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
    expect(unknownId.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const operator = await stack.token({ role: 'operator' });
    expect((await stack.query(operator, '{ brands { code } }')).errors).toBeUndefined();
    const anonymous = await postGraphQL(stack.gateway.url, REGISTERED);
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
  });
});
