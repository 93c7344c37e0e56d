import { LEDGER_CAUSES, LEDGER_KINDS } from '../entities/ledger-entry.entity';
import { explainUse } from './credit-explanation.text';

describe('explainUse', () => {
  it('has words for every kind and cause', () => {
    for (const kind of LEDGER_KINDS) expect(explainUse(kind, null, false).length).toBeGreaterThan(5);
    for (const cause of LEDGER_CAUSES) expect(explainUse('ADJUSTMENT', cause, false).length).toBeGreaterThan(5);
  });

  it('names the remedy for third-party charges only while there is no block', () => {
    expect(explainUse('THIRD_PARTY_CHARGE', 'THIRD_PARTY', false)).toMatch(/Drittanbietersperre/);
    expect(explainUse('THIRD_PARTY_CHARGE', 'THIRD_PARTY', true)).not.toMatch(/Drittanbietersperre/);
  });

  it('tells a reactivated option and per-MB data apart', () => {
    expect(explainUse('OPTION_FEE', 'OPTION_REACTIVATION', false)).toMatch(/paused.*reactivated/);
    expect(explainUse('USAGE', 'DATA_PER_MB', false)).toMatch(/per MB/);
  });
});
