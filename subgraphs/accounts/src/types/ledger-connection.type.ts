import { Field, ObjectType } from 'type-graphql';
import { LedgerEntryEntity } from '../entities/ledger-entry.entity';
import { PageInfo } from './page-info.type';

@ObjectType('LedgerEdge', { description: 'One ledger entry in a page.' })
export class LedgerEdge {
  @Field({ description: 'Opaque cursor of this entry (its id).' })
  cursor!: string;

  @Field(() => LedgerEntryEntity, { description: 'The entry.' })
  node!: LedgerEntryEntity;
}

@ObjectType('LedgerConnection', { description: 'A page of an account\'s ledger, newest entry first.' })
export class LedgerConnection {
  @Field(() => [LedgerEdge], { description: 'The entries of this page.' })
  edges!: LedgerEdge[];

  @Field(() => PageInfo, { description: 'Where this page ends.' })
  pageInfo!: PageInfo;
}
