import { berlinQuarter } from './quarter';

describe('berlinQuarter', () => {
  it('uses the German calendar at quarter boundaries (summer and winter time)', () => {
    expect(berlinQuarter(new Date('2025-03-31T21:59:59.999Z'))).toBe('2025-Q1');
    expect(berlinQuarter(new Date('2025-03-31T22:00:00.000Z'))).toBe('2025-Q2');
    expect(berlinQuarter(new Date('2025-12-31T22:59:59.000Z'))).toBe('2025-Q4');
    expect(berlinQuarter(new Date('2025-12-31T23:00:00.000Z'))).toBe('2026-Q1');
    expect(berlinQuarter(new Date('2025-08-15T12:00:00.000Z'))).toBe('2025-Q3');
  });
});
