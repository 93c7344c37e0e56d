import { Directive, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import { Allow, AllowType } from './access';
import { accessDeclarationsOf, buildFederatedSchema } from './federation';

@ObjectType({ description: 'Probe value.' })
class AccessProbe {
  @Field({ description: 'Value.' })
  value!: string;
}

@Resolver()
class UndeclaredRootResolver {
  @Query(() => AccessProbe, { description: 'Has no @Allow.' })
  undeclaredProbe(): AccessProbe {
    return { value: 'x' };
  }
}

@Resolver()
class DeclaredRootResolver {
  @Allow('operator', 'admin')
  @Query(() => AccessProbe, { description: 'Operators and admins only.' })
  declaredProbe(): AccessProbe {
    return { value: 'x' };
  }
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'An entity without a type-level declaration.' })
class UndeclaredEntity {
  @Field(() => ID, { description: 'Id.' })
  id!: string;
}

@AllowType('service')
@Directive('@key(fields: "id")')
@ObjectType({ description: 'An entity readable by services.' })
class DeclaredEntity {
  @Field(() => ID, { description: 'Id.' })
  id!: string;

  @Allow('admin')
  @Field({ description: 'Narrowed to admins.' })
  secret!: string;
}

describe('access declarations (deny by default)', () => {
  it('refuses to build a subgraph with a root field that declares no roles', async () => {
    await expect(buildFederatedSchema({ resolvers: [UndeclaredRootResolver] })).rejects.toThrow(
      'Access not declared (use @Allow / @AllowType) for: Query.undeclaredProbe',
    );
  });

  it('refuses to build a subgraph with an entity type that declares no roles', async () => {
    await expect(buildFederatedSchema({ resolvers: [DeclaredRootResolver], orphanedTypes: [UndeclaredEntity] })).rejects.toThrow(
      'UndeclaredEntity.id',
    );
  });

  it('records field-level and type-level declarations', async () => {
    const schema = await buildFederatedSchema({ resolvers: [DeclaredRootResolver], orphanedTypes: [DeclaredEntity] });
    const declarations = accessDeclarationsOf(schema);
    expect(declarations.get('Query.declaredProbe')).toEqual(['operator', 'admin']);
    expect(declarations.get('DeclaredEntity.id')).toEqual(['service']);
    expect(declarations.get('DeclaredEntity.secret')).toEqual(['admin']);
  });
});
