import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Kind, parse } from 'graphql';
import { isBrandCode } from '../subgraphs/common/src/brands';
import { config } from '../subgraphs/common/src/config';
import { OperationSafelist, normalizeOperation, operationId } from '../gateway/src/safelist';
import type { SafelistManifest } from '../gateway/src/safelist';

/**
 * Registers a partner frontend's operations: `npm run safelist -- --brand CONGSTAR ops/*.graphql`.
 * Each file is one operation (with its fragments). Prints the ids the frontend sends.
 */
function main(): void {
  const { values, positionals } = parseArgs({ options: { brand: { type: 'string' } }, allowPositionals: true });
  const brand = values.brand;
  if (!brand || !isBrandCode(brand) || positionals.length === 0) {
    throw new Error('usage: npm run safelist -- --brand <BRAND> file.graphql [file.graphql …]');
  }
  const path = config().gateway.safelistPath;
  const existing = OperationSafelist.load(path).size > 0 ? (JSON.parse(readFileSync(path, 'utf8')) as SafelistManifest) : { operations: [] };
  const byId = new Map(existing.operations.map((entry) => [entry.id, entry]));
  for (const file of positionals) {
    const source = readFileSync(file, 'utf8');
    const operations = parse(source).definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    if (operations.length !== 1) throw new Error(`${file}: put exactly one operation in each file`);
    const id = operationId(source);
    const entry = byId.get(id) ?? { id, name: operations[0]!.name?.value ?? null, brands: [], body: normalizeOperation(source) };
    if (!entry.brands.includes(brand)) entry.brands = [...entry.brands, brand].sort();
    byId.set(id, entry);
    process.stdout.write(`${id}  ${entry.name ?? '(anonymous)'}  ${entry.brands.join(',')}\n`);
  }
  const manifest: SafelistManifest = { operations: [...byId.values()].sort((a, b) => a.id.localeCompare(b.id)) };
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
