import { GraphQLError, isObjectType } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { Authorized, Extensions } from 'type-graphql';
import type { MiddlewareFn } from 'type-graphql';
import type { SubgraphContext } from './context';
import { ROLES } from './principal';
import type { Role } from './principal';

/**
 * Deny by default. Every root field and mutation declares its roles with `@Allow(...)`; every
 * entity type (a type with @key) declares who may read its fields with `@AllowType(...)` (a field
 * may narrow it with `@Allow`). A subgraph with an undeclared field does not build, so it neither
 * starts nor composes, and a request that reaches one anyway is refused.
 */
export const ACCESS_EXTENSION = 'access';
export const ALL_ROLES: readonly Role[] = ROLES;

export function Allow(...roles: Role[]): MethodDecorator & PropertyDecorator {
  if (roles.length === 0) throw new Error('@Allow needs at least one role');
  return ((target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    (Authorized(...roles) as (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => void)(target, key, descriptor);
    (Extensions({ [ACCESS_EXTENSION]: roles }) as (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => void)(target, key, descriptor);
  }) as MethodDecorator & PropertyDecorator;
}

export function AllowType(...roles: Role[]): ClassDecorator {
  if (roles.length === 0) throw new Error('@AllowType needs at least one role');
  return Extensions({ [ACCESS_EXTENSION]: roles }) as ClassDecorator;
}

/** "Type.field" -> roles; built from the type-graphql schema, before federation reprints it. */
export type AccessDeclarations = Map<string, readonly Role[]>;

const ROOT_TYPES = new Set(['Query', 'Mutation']);

function rolesOf(extensions: unknown): readonly Role[] | undefined {
  const roles = (extensions as Record<string, unknown> | undefined)?.[ACCESS_EXTENSION];
  return Array.isArray(roles) ? (roles as Role[]) : undefined;
}

function isEntity(type: { astNode?: { directives?: readonly { name: { value: string } }[] } | null }): boolean {
  return type.astNode?.directives?.some((directive) => directive.name.value === 'key') ?? false;
}

/** Collects declarations and names every guarded field that has none. */
export function collectAccess(schema: GraphQLSchema): { declarations: AccessDeclarations; undeclared: string[] } {
  const declarations: AccessDeclarations = new Map();
  const undeclared: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const root = ROOT_TYPES.has(type.name);
    if (!root && !isEntity(type)) continue;
    const typeRoles = root ? undefined : rolesOf(type.extensions);
    for (const field of Object.values(type.getFields())) {
      const roles = rolesOf(field.extensions) ?? typeRoles;
      if (roles) declarations.set(`${type.name}.${field.name}`, roles);
      else undeclared.push(`${type.name}.${field.name}`);
    }
  }
  return { declarations, undeclared };
}

/** Runtime check of the same declarations: also covers entity fields reached through `_entities`. */
export function accessGuard(declarations: () => AccessDeclarations): MiddlewareFn<SubgraphContext<unknown, unknown>> {
  return async ({ info, context }, next) => {
    const parent = info.parentType;
    const guarded = ROOT_TYPES.has(parent.name) || isEntity(parent);
    if (guarded) {
      const roles = declarations().get(`${parent.name}.${info.fieldName}`);
      if (!roles || !roles.includes(context.principal.role)) {
        throw new GraphQLError('You are not allowed to do this', { extensions: { code: 'FORBIDDEN' } });
      }
    }
    return next();
  };
}
