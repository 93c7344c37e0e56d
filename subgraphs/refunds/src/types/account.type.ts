import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { AllowType } from '../../../common/src/access';
import { AccountStatusEnum } from '../../../common/src/account-status.enum';
import { Money } from '../../../common/src/money';
import type { LifecyclePhase } from '../../../common/src/policy/validity-engine';

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
