import { DEFAULT_OPTION_OFFERS, SpecChargingRules } from './charging-rules.provider';

describe('SpecChargingRules', () => {
  const rules = new SpecChargingRules();

  it('zero-rates WhatsApp texts only on WhatsApp SIM', () => {
    expect(rules.tariff('WHATSAPP_SIM', 'WHATSAPP_TEXT')).toEqual({ unitPriceCents: 0, zeroRated: true });
    expect(rules.tariff('CONGSTAR', 'WHATSAPP_TEXT').zeroRated).toBe(false);
    expect(rules.tariff('WHATSAPP_SIM', 'VOICE').zeroRated).toBe(false);
  });

  it('allows a negative balance for no brand unless configured, and then only for the named classes', () => {
    expect(rules.allowsNegativeBalance('TELEKOM', 'ROAMING')).toBe(false);
    const configured = new SpecChargingRules({ negativeBalanceAllowed: { TELEKOM: ['ROAMING', 'PREMIUM'] } });
    expect(configured.allowsNegativeBalance('TELEKOM', 'ROAMING')).toBe(true);
    expect(configured.allowsNegativeBalance('TELEKOM', 'VALUE_ADDED')).toBe(false);
    expect(configured.allowsNegativeBalance('O2', 'ROAMING')).toBe(false);
  });

  it('prices every chargeable service in whole positive cents', () => {
    for (const service of ['VOICE', 'SMS', 'DATA'] as const) {
      const price = rules.tariff('O2', service).unitPriceCents;
      expect(Number.isSafeInteger(price) && price > 0).toBe(true);
    }
  });

  it('offers 6- and 12-month packages and monthly options with integer fees', () => {
    expect(rules.optionOffer('O2', 'PACKAGE_6M')).toMatchObject({ kind: 'PACKAGE', termMonths: 6 });
    expect(rules.optionOffer('O2', 'PACKAGE_12M')).toMatchObject({ kind: 'PACKAGE', termMonths: 12 });
    expect(rules.optionOffer('O2', 'NOPE')).toBeNull();
    for (const offer of DEFAULT_OPTION_OFFERS) expect(Number.isSafeInteger(offer.feeCents) && offer.feeCents > 0).toBe(true);
  });
});
