import { ValidationErrorsIBAN, electronicFormatIBAN, isSEPACountry, validateIBAN } from 'ibantools';
import { DomainError } from '../../../common/src/errors';

const REASONS: Partial<Record<ValidationErrorsIBAN, string>> = {
  [ValidationErrorsIBAN.NoIBANProvided]: 'EMPTY',
  [ValidationErrorsIBAN.NoIBANCountry]: 'UNKNOWN_COUNTRY',
  [ValidationErrorsIBAN.WrongBBANLength]: 'WRONG_LENGTH',
  [ValidationErrorsIBAN.WrongBBANFormat]: 'WRONG_FORMAT',
  [ValidationErrorsIBAN.ChecksumNotNumber]: 'BAD_CHECKSUM',
  [ValidationErrorsIBAN.WrongIBANChecksum]: 'BAD_CHECKSUM',
  [ValidationErrorsIBAN.WrongAccountBankBranchChecksum]: 'BAD_CHECKSUM',
};

const MESSAGES: Record<string, string> = {
  EMPTY: 'An IBAN is required',
  UNKNOWN_COUNTRY: 'The IBAN does not start with a known country code',
  WRONG_LENGTH: 'The IBAN has the wrong length for its country',
  WRONG_FORMAT: 'The IBAN has characters its country does not allow',
  BAD_CHECKSUM: 'The IBAN\'s check digits do not match: please check it for a typo',
  NOT_SEPA: 'Payouts go to bank accounts in SEPA countries only',
};

/**
 * The IBAN in electronic format (no spaces, upper case), or BAD_USER_INPUT with the field and a
 * stable reason. The message never repeats the IBAN: it must not reach logs.
 */
export function normalizeIban(input: string, field = 'iban'): string {
  const iban = electronicFormatIBAN(input) ?? '';
  const result = validateIBAN(iban);
  if (!result.valid) {
    const reason = REASONS[result.errorCodes[0] ?? ValidationErrorsIBAN.WrongBBANFormat] ?? 'WRONG_FORMAT';
    throw new DomainError('BAD_USER_INPUT', MESSAGES[reason]!, { field, reason });
  }
  if (!isSEPACountry(iban.slice(0, 2))) {
    throw new DomainError('BAD_USER_INPUT', MESSAGES.NOT_SEPA!, { field, reason: 'NOT_SEPA' });
  }
  return iban;
}

/** "DE89 **** **** **** **30 00": country and check digits plus the last four characters. */
export function maskIban(iban: string): string {
  const visibleEnd = 4;
  const masked = iban.slice(0, 4) + '*'.repeat(Math.max(0, iban.length - 4 - visibleEnd)) + iban.slice(-visibleEnd);
  return formatIban(masked);
}

/** Groups of four, as printed on bank cards and statements. */
export function formatIban(iban: string): string {
  return iban.replace(/(.{4})(?=.)/g, '$1 ');
}
