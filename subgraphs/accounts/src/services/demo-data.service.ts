import { BRAND_CODES } from '../../../common/src/brands';
import type { AccountService } from './account.service';
import type { LedgerService } from './ledger.service';

/** Deterministic ids and numbers, so the README's example queries work on every fresh checkout. */
export const DEMO_ACCOUNTS = BRAND_CODES.flatMap((brandCode, brandIndex) =>
  [1, 2].map((n) => ({
    id: `00000000-0000-4000-8000-${String((brandIndex + 1) * 100 + n).padStart(12, '0')}`,
    msisdn: `+49151${String(brandIndex + 1).padStart(2, '0')}00000${n}`,
    brandCode,
    // The second account of each brand stays at 0,00 € to show that balance reads work when empty.
    topUpCents: n === 1 ? 1500 : 0,
    usageCents: n === 1 ? 235 : 0,
  })),
);

export class DemoDataService {
  constructor(
    private readonly accounts: AccountService,
    private readonly ledger: LedgerService,
  ) {}

  /** Idempotent: existing demo accounts and entries are left as they are. */
  async seed(): Promise<number> {
    let created = 0;
    for (const demo of DEMO_ACCOUNTS) {
      if (await this.accounts.exists(demo.id)) continue;
      await this.accounts.open({ id: demo.id, msisdn: demo.msisdn, brandCode: demo.brandCode });
      created += 1;
      if (demo.topUpCents > 0) {
        await this.ledger.post({
          accountId: demo.id,
          kind: 'TOP_UP',
          cause: 'TOP_UP',
          amountCents: demo.topUpCents,
          reference: 'demo:top-up',
          reason: 'Demo top-up',
        });
      }
      if (demo.usageCents > 0) {
        await this.ledger.post({
          accountId: demo.id,
          kind: 'USAGE',
          amountCents: -demo.usageCents,
          reference: 'demo:usage',
          reason: 'Demo usage: calls and data',
        });
      }
    }
    return created;
  }
}
