import { validatePain001 } from '../../test/support/pain001';
import { buildSepaCreditTransfer, decimalAmount, sepaText } from './sepa-credit-transfer.builder';

describe('SEPA credit transfer (pain.001.001.03)', () => {
  const input = {
    messageId: 'GUTHABEN-20250301-0001',
    createdAt: new Date('2025-03-01T10:00:00.000Z'),
    executionDate: '2025-03-01',
    debtor: { name: 'Guthaben Auszahlungen GmbH', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
    transfers: [
      { endToEndId: 'a'.repeat(32), amountCents: 1265, creditorName: 'Jürgen Groß', creditorIban: 'DE02120300000000202051', remittance: 'Auszahlung Restguthaben' },
      { endToEndId: 'b'.repeat(32), amountCents: 5, creditorName: 'Zoë <Müller> & Co', creditorIban: 'AT611904300234573201', remittance: 'Auszahlung' },
    ],
  };

  it('formats cents as decimals without floats', () => {
    expect(decimalAmount(1265)).toBe('12.65');
    expect(decimalAmount(5)).toBe('0.05');
    expect(decimalAmount(100000000001)).toBe('1000000000.01');
    expect(() => decimalAmount(1.5)).toThrow();
  });

  it('keeps names in the SEPA character set', () => {
    expect(sepaText('Jürgen Groß', 70)).toBe('Juergen Gross');
    expect(sepaText('Zoë <Müller> & Co', 70)).toBe('Zoe Mueller Co');
  });

  it('validates against the official schema with matching control sum and count', async () => {
    const { xml, controlSumCents } = buildSepaCreditTransfer(input);
    expect(controlSumCents).toBe(1270);
    await validatePain001(xml);
    expect(xml.match(/<NbOfTxs>(\d+)<\/NbOfTxs>/g)).toEqual(['<NbOfTxs>2</NbOfTxs>', '<NbOfTxs>2</NbOfTxs>']);
    expect(xml.match(/<CtrlSum>([\d.]+)<\/CtrlSum>/g)).toEqual(['<CtrlSum>12.70</CtrlSum>', '<CtrlSum>12.70</CtrlSum>']);
    expect(xml).toContain('<Nm>Juergen Gross</Nm>');
  });

  it('is caught by the schema check when a required element is missing', async () => {
    const { xml } = buildSepaCreditTransfer(input);
    await expect(validatePain001(xml.replace(/<ReqdExctnDt>[^<]*<\/ReqdExctnDt>/, ''))).rejects.toThrow(/Expected is .*ReqdExctnDt/);
  });

  it('is caught by the schema check when a value breaks a pattern or the file is cut short', async () => {
    const { xml } = buildSepaCreditTransfer(input);
    await expect(validatePain001(xml.replace('DE02120300000000202051', 'de02'))).rejects.toThrow(/The value 'de02' is not accepted by the pattern/);
    await expect(validatePain001(xml.replace('</Document>', ''))).rejects.toThrow(/Premature end of data/);
  });
});
