import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { projectRoot } from '../subgraphs/common/src/paths';
import { DEMO_ACCOUNTS } from '../subgraphs/accounts/src/services/demo-data.service';
import { chromiumBinary } from './support/chromium';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

const ARTIFACTS = join(projectRoot(), 'test-artifacts');

describe('the offline explorer in a real browser', () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    const binary = await chromiumBinary();
    stack = await startTestStack();
    await stack.seedDemoData();
    browser = await chromium.launch({
      executablePath: binary.executablePath,
      env: { ...process.env, ...binary.env },
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('lets a partner paste a token, run a query and see the balance, without any request leaving the machine', async () => {
    const congstar = DEMO_ACCOUNTS.find((account) => account.brandCode === 'CONGSTAR' && account.topUpCents > 0)!;
    const token = await stack.token({ role: 'partner', brand: 'CONGSTAR' });
    const page = await browser.newPage();
    const foreignRequests: string[] = [];
    page.on('request', (request) => {
      if (!/^(http:\/\/127\.0\.0\.1|http:\/\/localhost|data:|blob:|about:)/.test(request.url())) foreignRequests.push(request.url());
    });
    const query = `{ account(id: "${congstar.id}") { msisdn balance { formatted } } }`;
    await page.goto(`${stack.gateway.url}?query=${encodeURIComponent(query)}`, { waitUntil: 'networkidle' });
    await page.fill('#token', token);
    await page.click('.graphiql-execute-button');
    const response = page.locator('.graphiql-response');
    await response.getByText('12,65').waitFor({ timeout: 15_000 });
    expect(await response.innerText()).toContain(congstar.msisdn);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'explorer-partner-balance.png'), fullPage: true });
    expect(existsSync(join(ARTIFACTS, 'explorer-partner-balance.png'))).toBe(true);
    expect(foreignRequests).toEqual([]);
  });
});
