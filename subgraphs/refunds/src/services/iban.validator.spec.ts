import { DomainError } from '../../../common/src/errors';
import { maskIban, normalizeIban } from './iban.validator';

function refusal(iban: string): DomainError {
  try {
    normalizeIban(iban);
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a refusal');
}

describe('IBAN validation', () => {
  it('accepts a valid German IBAN with spaces and lower case, in electronic format', () => {
    expect(normalizeIban('de89 3704 0044 0532 0130 00')).toBe('DE89370400440532013000');
  });

  it('refuses a wrong check digit with field and reason, without echoing the IBAN', () => {
    const error = refusal('DE88370400440532013000');
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions).toMatchObject({ field: 'iban', reason: 'BAD_CHECKSUM' });
    expect(error.message).not.toContain('370400440532013000');
  });

  it('refuses IBANs outside SEPA and malformed ones', () => {
    expect(refusal('BR1800360305000010009795493C1').extensions).toMatchObject({ reason: 'NOT_SEPA' });
    expect(refusal('DE8937040044053201300').extensions).toMatchObject({ reason: 'WRONG_LENGTH' });
    expect(refusal('').extensions).toMatchObject({ reason: 'EMPTY' });
  });

  it('masks all but country, check digits and the last four characters', () => {
    expect(maskIban('DE89370400440532013000')).toBe('DE89 **** **** **** **30 00');
  });
});
