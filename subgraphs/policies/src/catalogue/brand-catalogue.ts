import type { BrandCode } from '../../../common/src/brands';
import type { Network } from '../../../common/src/policy/policy-document';

export { NETWORKS } from '../../../common/src/policy/policy-document';
export type { Network } from '../../../common/src/policy/policy-document';

/**
 * What docs/domain-rules.md says about each brand. `null` means the source does not
 * know it: it is reported as unknown, never invented.
 */
export interface BrandFacts {
  code: BrandCode;
  name: string;
  network: Network | null;
  balanceQueryCode: string | null;
  validityQueryCode: string | null;
  validitySummary: string | null;
}

export const BRAND_CATALOGUE: readonly BrandFacts[] = [
  {
    code: 'TELEKOM',
    name: 'Telekom MagentaMobil Prepaid',
    network: 'TELEKOM',
    balanceQueryCode: '*100#',
    validityQueryCode: null,
    validitySummary: 'SIM terminated after about 23-24 months without a top-up; several advance notices before termination.',
  },
  {
    code: 'CONGSTAR',
    name: 'congstar Prepaid',
    network: 'TELEKOM',
    balanceQueryCode: '*100#',
    validityQueryCode: null,
    validitySummary: 'A top-up within 15 months keeps the SIM active.',
  },
  {
    code: 'VODAFONE_CALLYA',
    name: 'Vodafone CallYa',
    network: 'VODAFONE',
    balanceQueryCode: '*100#',
    validityQueryCode: null,
    validitySummary:
      'A 25 EUR top-up keeps it active at least 15 months; smaller top-ups give a shorter validity; also kept active by one chargeable connection at least every 90 days.',
  },
  {
    code: 'O2',
    name: 'O2 Prepaid',
    network: 'O2',
    balanceQueryCode: '*101#',
    validityQueryCode: '*102#',
    validitySummary: 'Valid 6 months; each top-up adds 6 months, even a 1-cent top-up.',
  },
  {
    code: 'ALDI_TALK',
    name: 'ALDI Talk',
    network: 'O2',
    balanceQueryCode: null,
    validityQueryCode: null,
    validitySummary: 'A 15 EUR top-up gives 12 months, 30 EUR gives 24 months (maximum).',
  },
  {
    code: 'LIDL_CONNECT',
    name: 'LIDL Connect',
    network: 'VODAFONE',
    balanceQueryCode: null,
    validityQueryCode: null,
    validitySummary: 'Usable 12 months after each top-up, then 1 month inactive, then deactivated; every top-up restarts the 12 months.',
  },
  {
    code: 'EDEKA_SMART',
    name: 'EDEKA smart',
    network: 'TELEKOM',
    balanceQueryCode: null,
    validityQueryCode: null,
    validitySummary: 'Usable 15 months after each top-up; terminated after 15 months without a top-up; topping up every 12 months is recommended.',
  },
  {
    code: 'FONIC',
    name: 'Fonic',
    network: null,
    balanceQueryCode: null,
    validityQueryCode: null,
    validitySummary: null,
  },
  {
    code: 'FONIC_MOBILE',
    name: 'Fonic Mobile',
    network: null,
    balanceQueryCode: null,
    validityQueryCode: null,
    validitySummary: null,
  },
  { code: 'BLAU', name: 'Blau', network: null, balanceQueryCode: null, validityQueryCode: null, validitySummary: null },
  {
    code: 'NETZCLUB',
    name: 'Netzclub',
    network: null,
    balanceQueryCode: null,
    validityQueryCode: null,
    validitySummary: null,
  },
  {
    code: 'WHATSAPP_SIM',
    name: 'WhatsApp SIM',
    network: null,
    balanceQueryCode: null,
    validityQueryCode: null,
    validitySummary: null,
  },
];
