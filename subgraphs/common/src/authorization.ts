import type { AuthChecker } from 'type-graphql';
import type { SubgraphContext } from './context';
import { DomainError } from './errors';
import type { Principal, Role } from './principal';

/** type-graphql's @Authorized(roles) check: the caller's role must be one of those listed. */
export const roleAuthChecker: AuthChecker<SubgraphContext<unknown, unknown>, Role> = ({ context }, roles) =>
  roles.length > 0 && roles.includes(context.principal.role);

/** Which accounts a principal may see: one account, one brand, or all of them. */
export type AccountScope = { kind: 'account'; accountId: string } | { kind: 'brand'; brand: string } | { kind: 'all' };

export function accountScope(principal: Principal): AccountScope {
  switch (principal.role) {
    case 'customer':
      return { kind: 'account', accountId: principal.accountId ?? '' };
    case 'partner':
      return { kind: 'brand', brand: principal.brand ?? '' };
    case 'operator':
    case 'admin':
    case 'service':
      return { kind: 'all' };
  }
}

export function inScope(scope: AccountScope, account: { id: string; brandCode: string }): boolean {
  switch (scope.kind) {
    case 'account':
      return account.id === scope.accountId;
    case 'brand':
      return account.brandCode === scope.brand;
    case 'all':
      return true;
  }
}

export function requireRole(principal: Principal, roles: readonly Role[]): void {
  if (!roles.includes(principal.role)) {
    throw new DomainError('FORBIDDEN', `This operation needs one of the roles: ${roles.join(', ')}`);
  }
}
