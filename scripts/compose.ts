import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { loadConfig } from '../subgraphs/common/src/config';
import { schemaDir } from '../subgraphs/common/src/paths';
import type { SubgraphDefinition } from '../subgraphs/common/src/subgraph';
import { SUBGRAPHS } from '../subgraphs/registry';

export interface SchemaFile {
  file: string;
  content: string;
}

export interface Composition {
  files: SchemaFile[];
  hints: string[];
  errors: string[];
}

/** Prints every subgraph's SDL and composes the supergraph, in memory. */
export async function composeSupergraph(
  definitions: readonly SubgraphDefinition<unknown, unknown>[] = SUBGRAPHS,
  directory = schemaDir(),
): Promise<Composition> {
  // Default URLs on purpose: the gateway replaces them from its configuration at run time.
  const urls = loadConfig({}).subgraphUrls;
  const subgraphs = [];
  for (const definition of definitions) {
    subgraphs.push({ name: definition.name, url: urls[definition.name], sdl: printSubgraphSchema(await definition.buildSchema()) });
  }
  const result = composeServices(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  const hints = (result.hints ?? []).map((hint) => `[${hint.definition.code}] ${hint.message}`);
  if (result.errors) return { files: [], hints, errors: result.errors.map((error) => error.message) };
  return {
    files: [
      ...subgraphs.map(({ name, sdl }) => ({ file: join(directory, `${name}.graphql`), content: `${sdl.trim()}\n` })),
      { file: join(directory, 'supergraph.graphql'), content: `${result.supergraphSdl.trim()}\n` },
    ],
    hints,
    errors: [],
  };
}

/** Files on disk that differ from (or lack) what composition produces now. */
export function staleFiles(files: readonly SchemaFile[]): string[] {
  return files.filter(({ file, content }) => !existsSync(file) || readFileSync(file, 'utf8') !== content).map(({ file }) => file);
}

/**
 * `npm run compose` writes schema/<name>.graphql and schema/supergraph.graphql; with --check it
 * writes nothing and fails when the committed files are stale or composition fails.
 */
async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const composition = await composeSupergraph();
  // Hints are shown, not hidden: they often point at a real schema mistake.
  for (const hint of composition.hints) console.warn(`composition hint ${hint}`);
  if (composition.errors.length > 0) {
    for (const error of composition.errors) console.error(`composition error: ${error}`);
    return 1;
  }
  if (check) {
    const stale = staleFiles(composition.files);
    for (const file of stale) console.error(`stale: ${file} differs from the subgraphs' schema; run npm run compose`);
    if (stale.length === 0) console.log(`schema is up to date (${composition.files.length} files)`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const { file, content } of composition.files) writeFileSync(file, content);
  console.log(`composed ${composition.files.length - 1} subgraphs into schema/supergraph.graphql`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
