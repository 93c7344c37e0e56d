import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateXML } from 'xmllint-wasm';

/** The official ISO 20022 schema (SWIFT standards workstation), kept in the repository under docs/. */
export const PAIN_001_XSD = resolve(__dirname, '../../../../docs/iso20022/pain.001.001.03.xsd');

let schema: string | undefined;

/** Validates with libxml2's schema check compiled to WebAssembly (no system xmllint); rejects with its messages when invalid. */
export async function validatePain001(xml: string): Promise<void> {
  schema ??= readFileSync(PAIN_001_XSD, 'utf8');
  const result = await validateXML({ xml: { fileName: 'batch.xml', contents: xml }, schema: { fileName: 'pain.001.001.03.xsd', contents: schema } });
  if (!result.valid) throw new Error(`pain.001 file fails the ISO 20022 schema:\n${result.rawOutput}`);
}

/** Transaction count and control sum (in cents) of the file, from group header and payment block. */
export function pain001Totals(xml: string): { headerCount: number; blockCount: number; headerSumCents: number; blockSumCents: number; amountsCents: number[] } {
  const cents = (decimal: string): number => {
    const [euros, fraction = ''] = decimal.split('.');
    return Number(euros) * 100 + Number(fraction.padEnd(2, '0'));
  };
  const counts = [...xml.matchAll(/<NbOfTxs>(\d+)<\/NbOfTxs>/g)].map((match) => Number(match[1]));
  const sums = [...xml.matchAll(/<CtrlSum>([\d.]+)<\/CtrlSum>/g)].map((match) => cents(match[1]!));
  const amountsCents = [...xml.matchAll(/<InstdAmt Ccy="EUR">([\d.]+)<\/InstdAmt>/g)].map((match) => cents(match[1]!));
  return { headerCount: counts[0]!, blockCount: counts[1]!, headerSumCents: sums[0]!, blockSumCents: sums[1]!, amountsCents };
}
