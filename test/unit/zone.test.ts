import { describe, expect, it } from 'vitest';

describe('the pure tier', () => {
  it('runs in the zone its project names (UTC, then Asia/Shanghai)', () => {
    expect(['UTC', 'Asia/Shanghai']).toContain(process.env.TZ);
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(zone === 'Etc/UTC' ? 'UTC' : zone).toBe(process.env.TZ);
    // The machine's zone shows in Date's local fields, which no rule of the app may read.
    const offset = new Date('2026-01-15T00:00:00Z').getTimezoneOffset();
    expect(offset).toBe(process.env.TZ === 'UTC' ? 0 : -480);
  });
});
