import { parseWhatsAppAmount } from './whatsapp-amount.parser';

describe('WhatsApp amount parser', () => {
  it.each([
    ['15', 1500],
    ['25 Euro', 2500],
    ['50€', 5000],
    ['25,00 EUR', 2500],
    ['  25 euro ', 2500],
    ['50 €', 5000],
    ['15,-', 1500],
    ['25.00', 2500],
    ['20', 2000],
    ['25,50 EUR', 2550],
  ])('reads %p as %i cents', (text, cents) => {
    expect(parseWhatsAppAmount(text)).toBe(cents);
  });

  it.each(['', 'hallo', 'fünfzehn', '15 Dollar', 'bitte 25 Euro aufladen', '-15', '2,5', '1e3', '15 15', '25,000'])(
    'does not guess an amount from %p',
    (text) => {
      expect(parseWhatsAppAmount(text)).toBeNull();
    },
  );
});
