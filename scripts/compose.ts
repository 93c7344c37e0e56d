import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { loadConfig } from '../subgraphs/common/src/config';
import { schemaDir } from '../subgraphs/common/src/paths';
import { SUBGRAPHS } from '../subgraphs/registry';

/**
 * Prints every subgraph's SDL to schema/<name>.graphql and composes schema/supergraph.graphql.
 * With --check it writes nothing and fails when the committed files are stale or composition fails.
 */
async function main(): Promise<number> {
  const check = process.argv.includes('--check');

  // Default URLs on purpose: the gateway replaces them from its configuration at run time.
  const urls = loadConfig({}).subgraphUrls;

  const subgraphs = [];
  for (const definition of SUBGRAPHS) {
    const sdl = printSubgraphSchema(await definition.buildSchema());
    subgraphs.push({ name: definition.name, url: urls[definition.name], sdl });
  }
  const result = composeServices(
    subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })),
  );
  for (const hint of result.hints ?? []) {
    console.warn(`composition hint [${hint.definition.code}]: ${hint.message}`);
  }
  if (result.errors) {
    for (const error of result.errors) console.error(`composition error: ${error.message}`);
    return 1;
  }

  const outputs = [
    ...subgraphs.map(({ name, sdl }) => ({ file: join(schemaDir(), `${name}.graphql`), content: `${sdl.trim()}\n` })),
    { file: join(schemaDir(), 'supergraph.graphql'), content: `${result.supergraphSdl.trim()}\n` },
  ];
  if (check) {
    const stale = outputs.filter(({ file, content }) => !existsSync(file) || readFileSync(file, 'utf8') !== content);
    for (const { file } of stale) console.error(`stale: ${file} differs from the subgraphs' schema; run npm run compose`);
    if (stale.length === 0) console.log(`schema is up to date (${outputs.length} files)`);
    return stale.length === 0 ? 0 : 1;
  }
  for (const { file, content } of outputs) writeFileSync(file, content);
  console.log(`composed ${subgraphs.length} subgraphs into schema/supergraph.graphql`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
