/** The brand codes every subgraph agrees on; the policies subgraph owns everything else about a brand. */
export const BRAND_CODES = [
  'TELEKOM',
  'CONGSTAR',
  'FONIC',
  'FONIC_MOBILE',
  'VODAFONE_CALLYA',
  'O2',
  'ALDI_TALK',
  'LIDL_CONNECT',
  'EDEKA_SMART',
  'BLAU',
  'NETZCLUB',
  'WHATSAPP_SIM',
] as const;
export type BrandCode = (typeof BRAND_CODES)[number];

export function isBrandCode(value: string): value is BrandCode {
  return (BRAND_CODES as readonly string[]).includes(value);
}
