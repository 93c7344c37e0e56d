import { versionInForce } from './policy-versions';

const v = (version: number, effectiveFrom: string) => ({ version, effectiveFrom: new Date(effectiveFrom) });

describe('version in force', () => {
  const versions = [v(1, '1970-01-01T00:00:00Z'), v(2, '2026-01-01T00:00:00Z'), v(3, '2026-07-01T00:00:00Z'), v(4, '2026-03-01T00:00:00Z')];

  it.each([
    ['2025-06-01T00:00:00Z', 1],
    ['2026-01-01T00:00:00Z', 2],
    ['2026-02-28T23:59:59Z', 2],
    // Version 4 was published after 3 with an earlier date: from its date on it supersedes the scheduled 3.
    ['2026-03-01T00:00:00Z', 4],
    ['2026-08-01T00:00:00Z', 4],
  ])('judges %s by version %i', (at, expected) => {
    expect(versionInForce(versions, new Date(at))?.version).toBe(expected);
  });

  it('has no version before the first took effect', () => {
    expect(versionInForce([v(1, '2026-01-01T00:00:00Z')], new Date('2025-12-31T23:59:59Z'))).toBeNull();
  });
});
