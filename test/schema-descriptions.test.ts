import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildASTSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  parse,
} from 'graphql';
import type { GraphQLNamedType } from 'graphql';
import { schemaDir } from '../subgraphs/common/src/paths';

/** Federation's own machinery in the supergraph: not part of our API. */
const MACHINERY = /^(join__|link__|_Service$|_Any$|_Entity$|link__Import$|link__Purpose$)/;

function undocumented(type: GraphQLNamedType): string[] {
  const missing: string[] = [];
  if (!type.description?.trim()) missing.push(type.name);
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
      for (const argument of field.args) {
        if (!argument.description?.trim()) missing.push(`${type.name}.${field.name}(${argument.name})`);
      }
    }
  }
  if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) {
      if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
    }
  }
  if (isEnumType(type)) {
    for (const value of type.getValues()) {
      if (!value.description?.trim()) missing.push(`${type.name}.${value.name}`);
    }
  }
  return missing;
}

describe('schema governance', () => {
  it('describes every type, field, argument, input field and enum value of the supergraph', () => {
    const sdl = readFileSync(join(schemaDir(), 'supergraph.graphql'), 'utf8');
    const schema = buildASTSchema(parse(sdl), { assumeValidSDL: true });
    const missing = Object.values(schema.getTypeMap())
      .filter((type) => !type.name.startsWith('__') && !MACHINERY.test(type.name))
      .filter((type) => !(isScalarType(type) && isSpecifiedScalarType(type)))
      .filter((type) => !isUnionType(type) || type.name !== '_Entity')
      .flatMap(undocumented)
      .filter((name) => !/^(Query|Mutation)$/.test(name));
    expect(missing).toEqual([]);
  });
});
