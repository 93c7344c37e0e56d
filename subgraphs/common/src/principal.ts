import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

export const PRINCIPAL_HEADER = 'x-guthaben-principal';
export const REQUEST_ID_HEADER = 'x-request-id';

export const ROLES = ['customer', 'partner', 'operator', 'admin', 'service'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, after the gateway verified their token. */
export interface Principal {
  role: Role;
  /** Stable subject of the token (user, partner app, service name). */
  subject: string;
  /** customer: the one account they own. */
  accountId?: string;
  /** partner: the one brand they act for. */
  brand?: string;
}

const INTERNAL_AUDIENCE = 'guthaben-subgraph';
const INTERNAL_ISSUER = 'guthaben-gateway';

export class PrincipalError extends Error {}

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export function isPrincipal(value: unknown): value is Principal {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  if (!ROLES.includes(candidate.role as Role) || typeof candidate.subject !== 'string' || !candidate.subject) {
    return false;
  }
  if (candidate.role === 'customer' && typeof candidate.accountId !== 'string') return false;
  if (candidate.role === 'partner' && typeof candidate.brand !== 'string') return false;
  return true;
}

/**
 * Signs the principal for the hop from the gateway (or an internal caller) to a subgraph. The short
 * lifetime is what makes a captured header useless soon after.
 */
export async function signPrincipalHeader(
  principal: Principal,
  secret: string,
  maxAgeSeconds: number,
): Promise<string> {
  return new SignJWT({ principal })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(INTERNAL_ISSUER)
    .setAudience(INTERNAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${maxAgeSeconds}s`)
    .sign(secretKey(secret));
}

export async function verifyPrincipalHeader(
  header: string | undefined,
  secret: string,
  maxAgeSeconds: number,
): Promise<Principal> {
  if (!header) throw new PrincipalError('missing principal header');
  try {
    const { payload } = await jwtVerify(header, secretKey(secret), {
      algorithms: ['HS256'],
      issuer: INTERNAL_ISSUER,
      audience: INTERNAL_AUDIENCE,
      maxTokenAge: `${maxAgeSeconds}s`,
      clockTolerance: 2,
    });
    if (!isPrincipal(payload.principal)) throw new PrincipalError('malformed principal');
    return payload.principal;
  } catch (error) {
    if (error instanceof PrincipalError) throw error;
    if (error instanceof joseErrors.JOSEError) throw new PrincipalError(`principal header refused: ${error.code}`);
    throw error;
  }
}
