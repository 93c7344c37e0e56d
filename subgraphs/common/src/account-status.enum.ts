import { registerEnumType } from 'type-graphql';
import { enumObject } from './graphql-enum';
import { LIFECYCLE_PHASES } from './policy/validity-engine';

/**
 * AccountStatus as accounts (its owner), policies and refunds expose it. Composition needs the
 * identical enum in every subgraph that names it, so it is defined once, here.
 */
export const AccountStatusEnum = enumObject(LIFECYCLE_PHASES);
registerEnumType(AccountStatusEnum, {
  name: 'AccountStatus',
  description: 'Lifecycle state of a SIM. Credit is kept in every state.',
  valuesConfig: {
    ACTIVE: { description: 'Usable: chargeable connections may start.' },
    INACTIVE: { description: 'Validity ended; the SIM connects to nothing ("SIM inaktiv"), a top-up may reactivate it.' },
    DEACTIVATED: { description: 'Switched off after the inactive phase; remaining credit can still be paid out.' },
    TERMINATED: { description: 'Contract ended; remaining credit is paid out on request.' },
  },
});
