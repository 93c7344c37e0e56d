import { SubgraphClient, SubgraphUnavailableError } from '../../common/src/subgraph-client';
import { AccountsHttpAdapter } from '../src/adapters/accounts-http.adapter';
import type { AccountsPort, LedgerMovement } from '../src/ports/accounts.port';
import { ADMIN, customer, startRefundsHarness } from './support/refunds-harness';
import type { RefundsHarness } from './support/refunds-harness';

describe('refunds: the payout debit survives an unreachable ledger', () => {
  let h: RefundsHarness;
  let ledgerDown = false;
  let debitCalls = 0;

  beforeAll(async () => {
    h = await startRefundsHarness({
      accounts: ({ config }) => {
        const real = new AccountsHttpAdapter(new SubgraphClient(config, 'accounts', 'refunds'));
        const port: AccountsPort = {
          findById: (id) => real.findById(id),
          terminate: (id, by) => real.terminate(id, by),
          creditAdjustment: (movement) => real.creditAdjustment(movement),
          debitPayout: async (movement: LedgerMovement) => {
            debitCalls += 1;
            if (ledgerDown) throw new SubgraphUnavailableError('accounts unreachable (test)');
            return real.debitPayout(movement);
          },
        };
        return port;
      },
    });
  });
  afterAll(() => h?.close());

  it('approves, leaves the debit to the relay, and books it exactly once', async () => {
    const accountId = await h.openAccount('CONGSTAR', 990, 'TERMINATED');
    const payout = (
      await h.requestPayout(customer(accountId), { accountId, holderName: 'Eva Muster', iban: 'DE89370400440532013000', reason: 'TERMINATION' })
    ).data!.requestPayout;

    ledgerDown = true;
    const approved = await h.act(ADMIN, 'approvePayout', payout.id);
    expect(approved.data!.approvePayout).toMatchObject({ status: 'APPROVED', debited: false, amount: { cents: 990 } });
    expect((await h.account(accountId)).balanceCents).toBe(990);
    expect(await h.refunds.services.relay.runOnce()).toEqual({ delivered: 0, failed: 1 });

    ledgerDown = false;
    h.clock.advanceMs(60_000);
    expect(await h.refunds.services.relay.runOnce()).toEqual({ delivered: 1, failed: 0 });
    expect((await h.account(accountId)).balanceCents).toBe(0);
    const retried = await h.act(ADMIN, 'approvePayout', payout.id);
    expect(retried.data!.approvePayout).toMatchObject({ status: 'APPROVED', debited: true });
    expect((await h.ledger(accountId)).filter((entry) => entry.kind === 'PAYOUT').map((entry) => entry.amountCents)).toEqual([-990]);
    expect(debitCalls).toBe(3);
  });
});
