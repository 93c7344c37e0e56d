import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { parse, print } from 'graphql';
import { requestRefusal } from '../../subgraphs/common/src/errors';
import type { Principal } from '../../subgraphs/common/src/principal';

/** One registered operation of a partner frontend; `id` is the sha256 of `body`. */
export interface SafelistEntry {
  id: string;
  name: string | null;
  brands: string[];
  body: string;
}

export interface SafelistManifest {
  operations: SafelistEntry[];
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The registered form of a document: printed by graphql-js, so whitespace and comments do not matter. */
export function normalizeOperation(document: string): string {
  return print(parse(document));
}

export function operationId(document: string): string {
  return sha256(normalizeOperation(document));
}

/**
 * Operations partner frontends registered (a persisted-query manifest). Frontends may send just
 * the id (`extensions.persistedQuery.sha256Hash`); with enforcement on, a partner may run only
 * operations registered for its brand.
 */
export class OperationSafelist {
  private readonly byId: Map<string, SafelistEntry>;

  constructor(manifest: SafelistManifest) {
    this.byId = new Map(manifest.operations.map((entry) => [entry.id, entry]));
  }

  static load(path: string): OperationSafelist {
    if (!existsSync(path)) return new OperationSafelist({ operations: [] });
    return new OperationSafelist(JSON.parse(readFileSync(path, 'utf8')) as SafelistManifest);
  }

  get size(): number {
    return this.byId.size;
  }

  body(id: string): string | undefined {
    return this.byId.get(id)?.body;
  }

  allows(brand: string, document: string): boolean {
    let id: string;
    try {
      id = operationId(document);
    } catch {
      return false;
    }
    return this.byId.get(id)?.brands.includes(brand) ?? false;
  }
}

export function safelistPlugin<TContext extends BaseContext & { principal: Principal | null }>(
  safelist: OperationSafelist,
  enforceForPartners: boolean,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request }) {
      // An id-only request for a registered operation: run the registered body.
      const persisted = (request.extensions as { persistedQuery?: { sha256Hash?: string } } | undefined)?.persistedQuery;
      if (!request.query && persisted?.sha256Hash) {
        const body = safelist.body(persisted.sha256Hash);
        if (body) {
          request.query = body;
          delete (request.extensions as Record<string, unknown>).persistedQuery;
        }
      }
      return {
        async didResolveOperation({ contextValue, request: resolved }) {
          const principal = contextValue.principal;
          if (!enforceForPartners || principal?.role !== 'partner') return;
          if (!safelist.allows(principal.brand ?? '', resolved.query ?? '')) {
            throw requestRefusal('FORBIDDEN', 'This operation is not registered for your frontend');
          }
        },
      };
    },
  };
}
