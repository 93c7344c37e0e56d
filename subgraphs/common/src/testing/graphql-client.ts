import type { Config, SubgraphName } from '../config';
import { PRINCIPAL_HEADER, signPrincipalHeader } from '../principal';
import type { Principal } from '../principal';

export interface GraphQLResponse<TData = Record<string, unknown>> {
  status: number;
  data?: TData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export async function postGraphQL<TData = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<TData>, 'status'>;
  return { status: response.status, ...body };
}

/** Which subgraph serves this URL, from its /health answer (asked every time: test ports get reused). */
export async function subgraphNameAt(url: string): Promise<SubgraphName> {
  const response = await fetch(url.replace(/\/graphql$/, '/health'));
  return ((await response.json()) as { service: SubgraphName }).service;
}

/** Calls a subgraph directly, signing the principal the way the gateway does (for that subgraph). */
export async function callSubgraphAs<TData = Record<string, unknown>>(
  config: Config,
  url: string,
  principal: Principal,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<TData>> {
  const header = await signPrincipalHeader(principal, config.internalSigningSecret, config.principalMaxAgeSeconds, await subgraphNameAt(url));
  return postGraphQL<TData>(url, query, variables, { [PRINCIPAL_HEADER]: header });
}

/** The first error's code, for assertions. */
export function errorCode(response: GraphQLResponse<unknown>): unknown {
  return response.errors?.[0]?.extensions?.code;
}
