import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The official ISO 20022 schema, kept beside the repository. */
export const PAIN_001_XSD = resolve(__dirname, '../../../../../shared/iso20022/pain.001.001.03.xsd');

/** Validates with `xmllint --schema` (Debian: libxml2-utils); throws with xmllint's output when invalid. */
export function validatePain001(xml: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'pain001-'));
  try {
    const file = join(dir, 'batch.xml');
    writeFileSync(file, xml);
    execFileSync('xmllint', ['--noout', '--schema', PAIN_001_XSD, file], { stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
