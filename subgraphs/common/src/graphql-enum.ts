/**
 * The object type-graphql's registerEnumType wants (`{ ACTIVE: 'ACTIVE', … }`), from the tuple of
 * values the code already has, so the GraphQL enum and the TypeScript union cannot drift apart.
 */
export function enumObject<const T extends readonly string[]>(values: T): { [V in T[number]]: V } {
  return Object.fromEntries(values.map((value) => [value, value])) as { [V in T[number]]: V };
}
