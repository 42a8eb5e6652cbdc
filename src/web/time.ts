import { defaultTimeZone, formatDateTime, zonedDate } from '../shared/time-format';

/**
 * The one formatter for times the web shows: in the institution's zone (from the session),
 * never the browser's. `formatTime('2024-04-22T02:00:00Z')` → 2024-04-22 10:00 in Asia/Shanghai.
 */
let zone = defaultTimeZone;

export function setInstitutionTimeZone(timeZone: string | null | undefined): void {
  zone = timeZone || defaultTimeZone;
}

export function institutionTimeZone(): string {
  return zone;
}

export function formatTime(instant: string | Date | null | undefined): string {
  return formatDateTime(instant, zone);
}

/** Today's calendar date in the institution's zone. */
export function institutionToday(): string {
  return zonedDate(new Date(), zone);
}
