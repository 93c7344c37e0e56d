import { create } from 'xmlbuilder2';

export const PAIN_001_001_03 = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.03';

export interface SepaTransfer {
  /** End-to-end id the bank reports back on a return (max. 35 characters). */
  endToEndId: string;
  amountCents: number;
  creditorName: string;
  creditorIban: string;
  remittance: string;
}

export interface SepaBatchInput {
  messageId: string;
  createdAt: Date;
  /** The day the bank should execute the transfers (YYYY-MM-DD). */
  executionDate: string;
  debtor: { name: string; iban: string; bic: string };
  transfers: SepaTransfer[];
}

/** "12.65" from 1265 cents, in integers only (a float could round a cent away). */
export function decimalAmount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new Error('amount must be a whole, non-negative number of cents');
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

const TRANSLITERATION: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue', ß: 'ss' };

/**
 * Reduces text to the SEPA basic Latin character set (EPC guidance; German banks accept
 * transliterated umlauts) and cuts it to the field's length.
 */
export function sepaText(value: string, maxLength: number): string {
  const transliterated = value
    .replace(/[äöüÄÖÜß]/g, (char) => TRANSLITERATION[char] ?? char)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return (transliterated || '-').slice(0, maxLength).trim();
}

/** A pain.001.001.03 customer credit transfer initiation with one SEPA payment information block. */
export function buildSepaCreditTransfer(input: SepaBatchInput): { xml: string; controlSumCents: number } {
  if (input.transfers.length === 0) throw new Error('a SEPA batch needs at least one transfer');
  const controlSumCents = input.transfers.reduce((sum, transfer) => sum + transfer.amountCents, 0);
  const count = String(input.transfers.length);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(PAIN_001_001_03, 'Document');
  const initiation = root.ele('CstmrCdtTrfInitn');
  const header = initiation.ele('GrpHdr');
  header.ele('MsgId').txt(input.messageId);
  header.ele('CreDtTm').txt(input.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  header.ele('NbOfTxs').txt(count);
  header.ele('CtrlSum').txt(decimalAmount(controlSumCents));
  header.ele('InitgPty').ele('Nm').txt(sepaText(input.debtor.name, 70));

  const payment = initiation.ele('PmtInf');
  payment.ele('PmtInfId').txt(input.messageId);
  payment.ele('PmtMtd').txt('TRF');
  payment.ele('BtchBookg').txt('true');
  payment.ele('NbOfTxs').txt(count);
  payment.ele('CtrlSum').txt(decimalAmount(controlSumCents));
  payment.ele('PmtTpInf').ele('SvcLvl').ele('Cd').txt('SEPA');
  payment.ele('ReqdExctnDt').txt(input.executionDate);
  payment.ele('Dbtr').ele('Nm').txt(sepaText(input.debtor.name, 70));
  payment.ele('DbtrAcct').ele('Id').ele('IBAN').txt(input.debtor.iban);
  payment.ele('DbtrAgt').ele('FinInstnId').ele('BIC').txt(input.debtor.bic);
  payment.ele('ChrgBr').txt('SLEV');
  for (const transfer of input.transfers) {
    const transaction = payment.ele('CdtTrfTxInf');
    transaction.ele('PmtId').ele('EndToEndId').txt(transfer.endToEndId);
    transaction.ele('Amt').ele('InstdAmt', { Ccy: 'EUR' }).txt(decimalAmount(transfer.amountCents));
    transaction.ele('Cdtr').ele('Nm').txt(sepaText(transfer.creditorName, 70));
    transaction.ele('CdtrAcct').ele('Id').ele('IBAN').txt(transfer.creditorIban);
    transaction.ele('RmtInf').ele('Ustrd').txt(sepaText(transfer.remittance, 140));
  }
  return { xml: root.end({ prettyPrint: true }), controlSumCents };
}
