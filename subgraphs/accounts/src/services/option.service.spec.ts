import { addMonths } from './option.service';

describe('addMonths', () => {
  it('adds calendar months in UTC, keeping the time of day', () => {
    expect(addMonths(new Date('2025-03-15T10:30:00.000Z'), 1).toISOString()).toBe('2025-04-15T10:30:00.000Z');
    expect(addMonths(new Date('2025-11-20T00:00:00.000Z'), 6).toISOString()).toBe('2026-05-20T00:00:00.000Z');
    expect(addMonths(new Date('2025-03-01T00:00:00.000Z'), 12).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('clamps to the last day of a shorter month instead of spilling into the next', () => {
    expect(addMonths(new Date('2025-01-31T12:00:00.000Z'), 1).toISOString()).toBe('2025-02-28T12:00:00.000Z');
    expect(addMonths(new Date('2024-01-31T12:00:00.000Z'), 1).toISOString()).toBe('2024-02-29T12:00:00.000Z');
    expect(addMonths(new Date('2025-08-31T12:00:00.000Z'), 1).toISOString()).toBe('2025-09-30T12:00:00.000Z');
  });
});
