import type { Resource } from '@pulse/protocol';
import type { Tone } from '../../ui/tone';
import { isObject, readNumber, readString } from '../../lib/read-json';

/** One sensor from `details.temperatures`, as the host collector reads it from sysfs. */
export interface Temperature {
  id: string;
  chip: string;
  label?: string;
  celsius: number;
  maxCelsius?: number;
  critCelsius?: number;
}

/** The sensors in the order the machine lists them: stable, so a live list does not reshuffle. */
export function temperaturesOf(r: Resource): Temperature[] {
  const list = r.details['temperatures'];
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).flatMap((t): Temperature[] => {
    const id = readString(t['id']);
    const celsius = readNumber(t['celsius']);
    if (id === undefined || celsius === undefined) return [];
    return [{ id, chip: readString(t['chip']) ?? id, label: readString(t['label']), celsius, maxCelsius: readNumber(t['maxCelsius']), critCelsius: readNumber(t['critCelsius']) }];
  });
}

/** "coretemp · Package id 0", or the chip alone when the driver names no sensor. */
export const sensorName = (t: Temperature): string => (t.label ? `${t.chip} · ${t.label}` : t.chip);

/** Where a bar of this sensor ends: its critical point, else its high mark, else 100 °C. */
export const sensorScale = (t: Temperature): number => t.critCelsius ?? t.maxCelsius ?? 100;

/** Past the driver's high mark is a warning, at its critical point an alarm; without marks, 80 and 95 °C. */
export function temperatureTone(t: Temperature): Tone {
  const crit = t.critCelsius ?? 95;
  const high = t.maxCelsius !== undefined && t.maxCelsius < crit ? t.maxCelsius : Math.min(80, crit - 5);
  if (t.celsius >= crit) return 'crit';
  if (t.celsius >= high) return 'warn';
  return 'accent';
}

export const formatCelsius = (v: number | undefined): string => (v === undefined ? '—' : `${v.toFixed(0)} °C`);
