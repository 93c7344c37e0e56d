import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { Supergraph } from '@apollo/federation-internals';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema, parse, printSchema } from 'graphql';
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
      { file: join(directory, API_SCHEMA_FILE), content: `${apiSchemaSdl(result.supergraphSdl).trim()}\n` },
    ],
    hints,
    errors: [],
  };
}

export const API_SCHEMA_FILE = 'api.graphql';
export const RELEASED_API_SCHEMA = join('released', 'api.graphql');
export const CHANGELOG_FILE = 'CHANGELOG.md';

/** What clients see: the supergraph without federation's join/link machinery and @inaccessible parts. */
export function apiSchemaSdl(supergraphSdl: string): string {
  return printSchema(Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema());
}

/** The changelog's "## Unreleased" section, where breaking changes must be announced before they ship. */
function unreleasedSection(changelog: string): string {
  const start = changelog.indexOf('## Unreleased');
  if (start < 0) return '';
  const next = changelog.indexOf('\n## ', start + 1);
  return changelog.slice(start, next < 0 ? undefined : next);
}

export interface SchemaChangeReport {
  breaking: { path: string; message: string; listed: boolean }[];
  dangerous: string[];
}

/**
 * Compares the API schema with the last released one (graphql-inspector). A breaking change is
 * accepted only when the changelog's Unreleased section names its path, e.g. `Account.topUps`.
 */
export async function compareWithRelease(releasedSdl: string, currentSdl: string, changelog: string): Promise<SchemaChangeReport> {
  const changes = await diff(buildSchema(releasedSdl), buildSchema(currentSdl));
  const unreleased = unreleasedSection(changelog);
  return {
    breaking: changes
      .filter((change) => change.criticality.level === CriticalityLevel.Breaking)
      .map((change) => ({ path: change.path ?? change.message, message: change.message, listed: unreleased.includes(`\`${change.path}\``) })),
    dangerous: changes.filter((change) => change.criticality.level === CriticalityLevel.Dangerous).map((change) => change.message),
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
  const current = composition.files.find(({ file }) => file.endsWith(API_SCHEMA_FILE))!.content;
  const releasedPath = join(schemaDir(), RELEASED_API_SCHEMA);
  if (process.argv.includes('--release')) {
    mkdirSync(join(schemaDir(), 'released'), { recursive: true });
    writeFileSync(releasedPath, current);
    console.log(`released the current API schema as ${RELEASED_API_SCHEMA}; move the Unreleased changelog entries under a version`);
  }
  let breakingUnlisted = 0;
  if (existsSync(releasedPath)) {
    const changelogPath = join(schemaDir(), CHANGELOG_FILE);
    const report = await compareWithRelease(readFileSync(releasedPath, 'utf8'), current, existsSync(changelogPath) ? readFileSync(changelogPath, 'utf8') : '');
    for (const warning of report.dangerous) console.warn(`dangerous change: ${warning}`);
    for (const change of report.breaking) {
      if (change.listed) console.warn(`breaking change (announced in the changelog): ${change.message}`);
      else console.error(`breaking change not in schema/${CHANGELOG_FILE} (## Unreleased, as \`${change.path}\`): ${change.message}`);
    }
    breakingUnlisted = report.breaking.filter((change) => !change.listed).length;
  }
  if (check) {
    const stale = staleFiles(composition.files);
    for (const file of stale) console.error(`stale: ${file} differs from the subgraphs' schema; run npm run compose`);
    if (stale.length === 0) console.log(`schema is up to date (${composition.files.length} files)`);
    return stale.length === 0 && breakingUnlisted === 0 ? 0 : 1;
  }
  for (const { file, content } of composition.files) writeFileSync(file, content);
  if (breakingUnlisted > 0) {
    console.error(`${breakingUnlisted} breaking change(s) must be announced in schema/${CHANGELOG_FILE} before CI accepts them`);
  }
  console.log(`composed ${composition.files.length - 2} subgraphs into schema/supergraph.graphql and schema/api.graphql`);
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
