import { GraphQLBoolean } from 'graphql';
import { Directive, Field, ObjectType } from 'type-graphql';

@Directive('@shareable')
@ObjectType('PageInfo', { description: 'Where a page of a cursor-paginated list ends.' })
export class PageInfo {
  @Field(() => String, { nullable: true, description: 'Cursor of the last item on this page; pass it as `after` for the next page.' })
  endCursor!: string | null;

  @Field(() => GraphQLBoolean, { description: 'Whether more items follow this page.' })
  hasNextPage!: boolean;
}
