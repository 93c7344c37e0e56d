import type { PolicyDocument } from './policy-document';
import { checkTopUpAmount, euros } from './top-up-amounts';

const policy = (topUp: Partial<PolicyDocument['topUp']>): PolicyDocument =>
  ({ topUp: { minimumCents: null, maximumCents: null, maximumBalanceCents: null, dailyMaximumCents: null, knownAmountsCents: [], channelListComplete: false, channels: [], ...topUp } }) as PolicyDocument;

const whatsApp: PolicyDocument['topUp']['channels'][number] = {
  kind: 'WHATSAPP',
  exactAmountsCents: [1500, 2500, 5000],
  minimumCents: null,
  maximumCents: null,
  worksAbroad: null,
  contact: null,
  provider: null,
  paymentMethods: null,
};

describe('top-up amounts', () => {
  it.each([
    ['WhatsApp 15 EUR', policy({ channels: [whatsApp] }), 'WHATSAPP', 1500, true],
    ['WhatsApp 50 EUR', policy({ channels: [whatsApp] }), 'WHATSAPP', 5000, true],
    ['WhatsApp 20 EUR', policy({ channels: [whatsApp] }), 'WHATSAPP', 2000, false],
    ['WhatsApp 15,01 EUR is not rounded', policy({ channels: [whatsApp] }), 'WHATSAPP', 1501, false],
    ['WhatsApp on a brand whose channels are unknown still takes only 15/25/50', policy({}), 'WHATSAPP', 1000, false],
    ['O2 1 cent', policy({ minimumCents: 1, knownAmountsCents: [500, 1000] }), null, 1, true],
    ['below a brand minimum', policy({ minimumCents: 500 }), null, 499, false],
    ['above a brand maximum', policy({ maximumCents: 10000 }), 'VOUCHER', 10001, false],
    ['a channel the complete list does not offer', policy({ channels: [whatsApp], channelListComplete: true }), 'VOUCHER', 1500, false],
    ['zero', policy({}), null, 0, false],
  ] as const)('%s', (_name, document, channel, amount, accepted) => {
    expect(checkTopUpAmount(document, channel, amount).accepted).toBe(accepted);
  });

  it('answers a wrong WhatsApp amount with the amounts that are accepted', () => {
    expect(checkTopUpAmount(policy({ channels: [whatsApp] }), 'WHATSAPP', 2000)).toEqual({
      accepted: false,
      refusal: 'NOT_AN_ACCEPTED_AMOUNT',
      message: '20,00 € is not accepted; choose one of 15,00 €, 25,00 €, 50,00 €',
      acceptedAmountsCents: [1500, 2500, 5000],
    });
  });

  it('formats euro cents exactly', () => {
    expect([euros(1), euros(1265), euros(-350), euros(123456)]).toEqual(['0,01 €', '12,65 €', '-3,50 €', '1234,56 €']);
  });
});
