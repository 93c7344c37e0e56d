import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../common/src/config';
import { loadRefundsSettings } from './refunds-settings';

describe('refunds settings', () => {
  it('has working development defaults', () => {
    const settings = loadRefundsSettings({ env: 'development' }, {});
    expect(settings.ibanKey).toHaveLength(32);
    expect(settings.debtor.iban).toBe('DE89370400440532013000');
  });

  it('refuses the development IBAN key in production but accepts a real one', () => {
    expect(() => loadRefundsSettings({ env: 'production' }, {})).toThrow(ConfigError);
    const key = randomBytes(32).toString('base64');
    expect(loadRefundsSettings({ env: 'production' }, { PAYOUT_IBAN_KEY: key }).ibanKey.toString('base64')).toBe(key);
  });

  it('refuses a key of the wrong length and an invalid debtor IBAN', () => {
    expect(() => loadRefundsSettings({ env: 'test' }, { PAYOUT_IBAN_KEY: randomBytes(16).toString('base64') })).toThrow(/PAYOUT_IBAN_KEY/);
    expect(() => loadRefundsSettings({ env: 'test' }, { PAYOUT_DEBTOR_IBAN: 'DE88370400440532013000' })).toThrow(/PAYOUT_DEBTOR_IBAN/);
  });
});
