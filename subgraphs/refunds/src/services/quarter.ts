const berlinParts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Calendar date in Germany (the brands' and the customers' calendar), as YYYY-MM-DD. */
export function berlinDate(at: Date): string {
  const parts = Object.fromEntries(berlinParts.formatToParts(at).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** The calendar quarter in Europe/Berlin, e.g. "2025-Q2": 31 March 23:30 UTC is already Q2 in Germany. */
export function berlinQuarter(at: Date): string {
  const [year, month] = berlinDate(at).split('-').map(Number) as [number, number];
  return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
}
