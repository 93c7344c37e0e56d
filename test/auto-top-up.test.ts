import { eventually } from '../subgraphs/common/src/testing/eventually';
import { DEMO_ACCOUNTS } from '../subgraphs/accounts/src/services/demo-data.service';
import type { PaymentsServices } from '../subgraphs/payments/src/payments.subgraph';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

const demo = (brand: string) => DEMO_ACCOUNTS.find((account) => account.brandCode === brand && account.topUpCents > 0)!;


interface AccountView {
  balance: { cents: number };
  topUps: { nodes: { id: string; channel: string; status: string; amount: { cents: number } }[] };
  autoTopUp: { armed: boolean; consecutiveFailures: number; retryAfter: string | null; pausedReason: string | null } | null;
  notifications: { kind: string; message: string }[];
}

describe('automatic top-up end to end', () => {
  let stack: TestStack;
  let service: string;

  beforeAll(async () => {
    stack = await startTestStack({ OUTBOX_POLL_MS: '50' });
    await stack.seedDemoData();
    service = await stack.token({ role: 'service' });
  });
  afterAll(() => stack?.stop());

  const view = async (accountId: string): Promise<AccountView> => {
    const response = await stack.query<{ account: AccountView }>(
      service,
      `query($id: ID!) { account(id: $id) {
        balance { cents }
        topUps(first: 20) { nodes { id channel status amount { cents } } }
        autoTopUp { armed consecutiveFailures retryAfter pausedReason }
        notifications(first: 20) { kind message }
      } }`,
      { id: accountId },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.account;
  };

  const saveMethod = (accountId: string): Promise<string> => stack.savePaymentMethod(accountId);

  const setRule = async (accountId: string, paymentMethodRef: string) => {
    const customer = await stack.token({ role: 'customer', account_id: accountId });
    const response = await stack.query(
      customer,
      'mutation($input: AutoTopUpRuleInput!) { setAutoTopUp(input: $input) { armed threshold { cents } amount { cents } } }',
      { input: { accountId, trigger: 'BELOW_THRESHOLD', thresholdCents: 1000, dayOfMonth: null, amountCents: 1500, paymentMethodRef } },
    );
    expect(response.errors).toBeUndefined();
  };

  const chargeConcurrently = (accountId: string, count: number, amountCents: number, prefix: string) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        stack.query(
          service,
          'mutation($input: ThirdPartyChargeInput!) { chargeThirdParty(input: $input) { replayed } }',
          { input: { accountId, amountCents, reference: `${prefix}-${i}`, reason: 'Abo Musikdienst' } },
        ),
      ),
    );

  it('fires exactly one automatic top-up when ten concurrent charges cross the threshold, and re-arms after the credit', async () => {
    const account = demo('VODAFONE_CALLYA');
    const customer = await stack.token({ role: 'customer', account_id: account.id });
    const madeUp = await stack.query(
      customer,
      'mutation($input: AutoTopUpRuleInput!) { setAutoTopUp(input: $input) { armed } }',
      { input: { accountId: account.id, trigger: 'BELOW_THRESHOLD', thresholdCents: 1000, dayOfMonth: null, amountCents: 1500, paymentMethodRef: 'VISA:tok_made_up' } },
    );
    expect(madeUp.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await setRule(account.id, await saveMethod(account.id));
    const charges = await chargeConcurrently(account.id, 10, 50, 'abo');
    expect(charges.every((charge) => charge.errors === undefined)).toBe(true);

    await eventually(async () => {
      const current = await view(account.id);
      return current.topUps.nodes.some((node) => node.channel === 'AUTOMATIC' && node.status === 'CREDITED');
    }, 'the automatic top-up to be credited');
    // The order turns CREDITED and the rule re-arms in one transaction. The two fields are read by
    // separate statements, so the view that first shows CREDITED may have read the rule just before
    // that commit; the next read starts after it and must see both.
    const credited = await view(account.id);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const settled = await view(account.id);
    const automatic = settled.topUps.nodes.filter((node) => node.channel === 'AUTOMATIC');
    expect(automatic).toEqual([expect.objectContaining({ status: 'CREDITED', amount: { cents: 1500 } })]);
    expect(settled.balance.cents).toBe(1265 - 10 * 50 + 1500);
    expect(credited.autoTopUp!.armed).toBe(true);
  });

  it('credits nothing when the bank declines the stored method, pauses the rule and tells the customer', async () => {
    const account = demo('EDEKA_SMART');
    await setRule(account.id, await saveMethod(account.id));
    stack.stripe.failNext(
      { method: 'POST', path: '/v1/payment_intents' },
      { status: 402, error: { type: 'card_error', code: 'authentication_required', message: 'This payment requires authentication.' } },
    );
    const charges = await chargeConcurrently(account.id, 3, 100, 'fail-abo');
    expect(charges.every((charge) => charge.errors === undefined)).toBe(true);

    const failed = await eventually(async () => {
      const current = await view(account.id);
      return current.topUps.nodes.some((node) => node.channel === 'AUTOMATIC' && node.status === 'FAILED') &&
        current.notifications.some((notification) => notification.kind === 'AUTO_TOP_UP_PAUSED') &&
        current;
    }, 'the failed automatic top-up and its notification');
    expect(failed.balance.cents).toBe(1265 - 300);
    expect(failed.topUps.nodes.filter((node) => node.channel === 'AUTOMATIC')).toHaveLength(1);
    expect(failed.autoTopUp).toEqual(expect.objectContaining({ armed: false, consecutiveFailures: 1, pausedReason: 'authentication_required' }));
    // Paused: further charges below the threshold do not fire it again until the customer acts.
    await chargeConcurrently(account.id, 1, 100, 'fail-abo-later');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await view(account.id)).topUps.nodes.filter((node) => node.channel === 'AUTOMATIC')).toHaveLength(1);
  });

  it('fires a monthly rule once per month, even with two job runs at once', async () => {
    const account = demo('CONGSTAR');
    const customer = await stack.token({ role: 'customer', account_id: account.id });
    const rule = await stack.query(
      customer,
      'mutation($input: AutoTopUpRuleInput!) { setAutoTopUp(input: $input) { trigger dayOfMonth } }',
      { input: { accountId: account.id, trigger: 'MONTHLY', thresholdCents: null, dayOfMonth: 1, amountCents: 1500, paymentMethodRef: await saveMethod(account.id) } },
    );
    expect(rule.errors).toBeUndefined();
    const payments = (stack.subgraphs.payments as unknown as { services: PaymentsServices }).services;
    const fired = await Promise.all([payments.autoTopUps.runMonthly(), payments.autoTopUps.runMonthly()]);
    expect(fired[0] + fired[1]).toBe(1);
    expect(await payments.autoTopUps.runMonthly()).toBe(0);
    await eventually(async () => (await view(account.id)).topUps.nodes.some((node) => node.channel === 'AUTOMATIC' && node.status === 'CREDITED'), 'the monthly credit');
    expect((await view(account.id)).topUps.nodes.filter((node) => node.channel === 'AUTOMATIC')).toHaveLength(1);
  });

  it('switches off the monthly rule of a contract that ended and still fires the other rules', async () => {
    const ended = DEMO_ACCOUNTS.find((account) => account.brandCode === 'O2' && account.topUpCents > 0)!;
    const active = DEMO_ACCOUNTS.find((account) => account.brandCode === 'FONIC' && account.topUpCents > 0)!;
    for (const account of [ended, active]) {
      const customer = await stack.token({ role: 'customer', account_id: account.id });
      const rule = await stack.query(
        customer,
        'mutation($input: AutoTopUpRuleInput!) { setAutoTopUp(input: $input) { trigger } }',
        { input: { accountId: account.id, trigger: 'MONTHLY', thresholdCents: null, dayOfMonth: 1, amountCents: 1500, paymentMethodRef: await saveMethod(account.id) } },
      );
      expect(rule.errors).toBeUndefined();
    }
    const terminated = await stack.query(service, 'mutation($id: ID!) { terminateAccount(accountId: $id, initiatedBy: CUSTOMER) { status } }', { id: ended.id });
    expect(terminated.errors).toBeUndefined();

    const payments = (stack.subgraphs.payments as unknown as { services: PaymentsServices }).services;
    // Before the fix the ended contract's refusal aborted the run (and every later one).
    await expect(payments.autoTopUps.runMonthly()).resolves.toBe(1);
    expect(await payments.autoTopUps.ruleForAccount(ended.id)).toMatchObject({ enabled: false });
    expect(await payments.autoTopUps.ruleForAccount(active.id)).toMatchObject({ enabled: true });
    await expect(payments.autoTopUps.runMonthly()).resolves.toBe(0);
    expect((await view(ended.id)).topUps.nodes.filter((node) => node.channel === 'AUTOMATIC')).toHaveLength(0);
    await eventually(async () => (await view(active.id)).topUps.nodes.some((node) => node.channel === 'AUTOMATIC' && node.status === 'CREDITED'), 'the monthly credit');
  });
});
