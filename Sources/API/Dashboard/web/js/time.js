// Times are shown in Beijing time (UTC+08:00, no daylight saving) and sent as UTC instants.
const offset = 8 * 3600 * 1000;

const pad = (n) => String(n).padStart(2, '0');

/** `2026-11-25 14:00:00` in Beijing time. */
export function beijing(date) {
  const d = new Date(new Date(date).getTime() + offset);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** The value of a datetime-local input, read as Beijing time. */
export function fromLocalInput(value) {
  if (!value) return null;
  const [day, clock = '00:00:00'] = value.split('T');
  const [y, m, dd] = day.split('-').map(Number);
  const [h, mi, s = 0] = clock.split(':').map(Number);
  return new Date(Date.UTC(y, m - 1, dd, h, mi, s) - offset);
}

/** A date for a datetime-local input, in Beijing time. */
export function toLocalInput(date) {
  return beijing(date).replace(' ', 'T');
}

/** RFC 3339 UTC, to the millisecond. */
export const iso = (date) => new Date(date).toISOString();
