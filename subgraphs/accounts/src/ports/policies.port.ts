import type { PolicyDocument } from '../../../common/src/policy/policy-document';

/** Brand policies owned by the policies subgraph, as accounts needs them. */
export interface PoliciesPort {
  /**
   * The brand's policy document in force at `at` (past events are judged by the version of their
   * time). Throws SubgraphUnavailableError when policies cannot answer: callers must not guess.
   */
  policyAt(brandCode: string, at: Date): Promise<PolicyDocument>;
}
