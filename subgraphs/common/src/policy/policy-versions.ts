export interface PolicyVersionLike {
  version: number;
  effectiveFrom: Date;
}

/**
 * The version that governs an event at `at`: of those already effective then, the most recently
 * published. Publishing with a future date therefore supersedes an earlier scheduled version from
 * that date on, and never changes how the past is judged as long as effective dates are not in the past.
 */
export function versionInForce<T extends PolicyVersionLike>(versions: readonly T[], at: Date): T | null {
  let inForce: T | null = null;
  for (const candidate of versions) {
    if (candidate.effectiveFrom.getTime() > at.getTime()) continue;
    if (!inForce || candidate.version > inForce.version) inForce = candidate;
  }
  return inForce;
}
