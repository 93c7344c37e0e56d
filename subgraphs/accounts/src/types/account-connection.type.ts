import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, InputType, ObjectType } from 'type-graphql';
import { Money } from '../../../common/src/money';
import { AccountEntity, AccountStatusEnum } from '../entities/account.entity';
import type { AccountStatus } from '../entities/account.entity';
import { PageInfo } from './page-info.type';

@InputType('AccountFilter', { description: 'Narrows the account list. All given conditions must hold.' })
export class AccountFilter {
  @Field(() => String, { nullable: true, description: 'Only this brand. Partners always see only their own brand.' })
  brand?: string | null;

  @Field(() => AccountStatusEnum, { nullable: true, description: 'Only accounts in this state.' })
  status?: AccountStatus | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'Only balances of at least this many cents (negative: money owed).' })
  minBalance?: number | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'Only balances of at most this many cents.' })
  maxBalance?: number | null;
}

@ObjectType('AccountEdge', { description: 'One account in a page.' })
export class AccountEdge {
  @Field({ description: 'Opaque cursor of this account.' })
  cursor!: string;

  @Field(() => AccountEntity, { description: 'The account.' })
  node!: AccountEntity;
}

@ObjectType('AccountConnection', { description: 'A page of accounts, with totals over every account that matches the filter.' })
export class AccountConnection {
  @Field(() => [AccountEdge], { description: 'The accounts of this page, ordered by id.' })
  edges!: AccountEdge[];

  @Field(() => PageInfo, { description: 'Where this page ends.' })
  pageInfo!: PageInfo;

  @Field(() => GraphQLSafeInt, { description: 'How many accounts match the filter (all pages).' })
  totalCount!: number;

  @Field(() => Money, { description: 'Sum of the balances of all matching accounts (all pages).' })
  totalBalance!: Money;
}
