import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { AllowType } from '../../../common/src/access';
import { enumObject } from '../../../common/src/graphql-enum';
import { Money } from '../../../common/src/money';
import { LIFECYCLE_PHASES } from '../../../common/src/policy/validity-engine';
import type { LifecyclePhase } from '../../../common/src/policy/validity-engine';

export const AccountStatusEnum = enumObject(LIFECYCLE_PHASES);
// Shared with accounts (and policies): composition needs the identical definition in every subgraph.
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

/**
 * The accounts subgraph owns Account; refunds adds its payouts. The @external fields arrive in the
 * entity representation (for the fields that @require them), as JSON and unchecked: anyone holding a
 * principal may send `_entities` straight to this subgraph. So they are optional here, validated by
 * `accountFacts` and used only for display; whatever moves money reads accounts itself.
 */
// Who may read this entity's fields; the reference resolver and services still scope by account/brand.
@AllowType('customer', 'partner', 'operator', 'admin', 'service')
@Directive('@key(fields: "id")')
@ObjectType('Account', { description: 'A prepaid credit account (one SIM) of a brand.' })
export class RefundsAccount {
  @Field(() => ID, { description: 'Stable account id.' })
  id!: string;

  @Directive('@external')
  @Field({ description: 'Code of the brand the account belongs to, e.g. CONGSTAR.' })
  brandCode!: string;

  @Directive('@external')
  @Field(() => AccountStatusEnum, { description: 'Current lifecycle state.' })
  status?: LifecyclePhase;

  @Directive('@external')
  @Field(() => Money, { description: 'Current balance. Free to read, also at zero; negative means money owed.' })
  balance?: Pick<Money, 'cents'>;

  @Directive('@external')
  @Field(() => Money, { description: 'Balance minus reservations: what new connections and charges may use.' })
  available?: Pick<Money, 'cents'>;

  @Directive('@external')
  @Field(() => Money, {
    description: 'Money the customer owes after delayed charges took the balance below zero (0 otherwise); the next top-up settles it.',
  })
  owed?: Pick<Money, 'cents'>;
}
