import type { PolicyDocument } from '../../../common/src/policy/policy-document';

/** The part of a brand's policy that decides top-ups. */
export type TopUpPolicy = Pick<PolicyDocument, 'topUp'>;

export interface PoliciesPort {
  /** The brand's top-up rules in force at `at`. */
  topUpPolicy(brandCode: string, at: Date): Promise<TopUpPolicy>;
}
