import type { AlertSettings } from '@pulse/protocol';

/*
 * Quiet hours on the local wall clock of an IANA zone, through Intl: "22:00–07:00 Europe/Berlin"
 * stays 22:00–07:00 across a DST change (that night is an hour shorter or longer in real time).
 */

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function createQuietHours() {
  const formats = new Map<string, Intl.DateTimeFormat>();

  function format(zone: string): Intl.DateTimeFormat {
    let f = formats.get(zone);
    if (!f) {
      try {
        f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      } catch {
        // An unknown zone would otherwise throw on every tick; the settings API should reject it,
        // and until then UTC is the least surprising reading.
        f = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      }
      formats.set(zone, f);
    }
    return f;
  }

  /** Local minutes since midnight in the zone. */
  function localMinutes(now: number, zone: string): number {
    let h = 0;
    let m = 0;
    for (const p of format(zone).formatToParts(now)) {
      if (p.type === 'hour') h = Number(p.value);
      else if (p.type === 'minute') m = Number(p.value);
    }
    return h * 60 + m;
  }

  return {
    localMinutes,
    isQuiet(settings: AlertSettings, now: number): boolean {
      const q = settings.quietHours;
      if (!q.enabled) return false;
      const start = minutesOf(q.start);
      const end = minutesOf(q.end);
      if (start === end) return false;
      const m = localMinutes(now, q.timezone);
      // start > end wraps midnight (22:00–07:00).
      return start < end ? m >= start && m < end : m >= start || m < end;
    },
  };
}
export type QuietHours = ReturnType<typeof createQuietHours>;
