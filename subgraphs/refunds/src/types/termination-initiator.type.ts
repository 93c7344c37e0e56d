import { enumObject } from '../../../common/src/graphql-enum';
import { registerEnumType } from 'type-graphql';
import { TERMINATION_INITIATORS } from '../entities/payout.entity';

export const TerminationInitiatorEnum = enumObject(TERMINATION_INITIATORS);
// Shared with accounts: composition needs the identical definition in both subgraphs.
registerEnumType(TerminationInitiatorEnum, {
  name: 'TerminationInitiator',
  description: 'Who ended the contract.',
  valuesConfig: {
    CUSTOMER: { description: 'The customer terminated the contract.' },
    BRAND: { description: 'The brand terminated the contract (e.g. after the validity rules ran out).' },
  },
});
