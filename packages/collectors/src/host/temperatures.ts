import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readUtf8 } from './kernel-files.js';
import type { ReadText } from './kernel-files.js';

/** One temperature sensor's current reading. */
export interface TemperatureReading {
  /** sysfs location, `hwmon3/temp1` or `thermal_zone0`: unique, stable while the machine is up. */
  id: string;
  /** hwmon chip name (`coretemp`, `k10temp`, `nvme`) or thermal zone type (`acpitz`, `x86_pkg_temp`). */
  chip: string;
  /** hwmon `temp*_label` (`Package id 0`, `Composite`); null when the driver gives none. */
  label: string | null;
  celsius: number;
  /** The driver's high threshold (`temp*_max`); null when it has none. */
  maxCelsius: number | null;
  /** The critical threshold (`temp*_crit`, or a zone's `critical` trip point); null when none. */
  critCelsius: number | null;
}

/** A sensor found in sysfs, with the parts that do not change while it exists. */
export interface TemperatureSensor extends Omit<TemperatureReading, 'celsius'> {
  inputPath: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    // Missing attributes are normal: most sensors have no label, max or crit.
    return undefined;
  }
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    // No /sys/class/hwmon or thermal: containers, VMs, kernels without the drivers.
    return [];
  }
}

/**
 * sysfs temperatures are integer millidegrees Celsius. Anything else, and values no sensor in a
 * running machine reports (−273.15 °C, the −128/255 °C "no diode" markers), is not a reading.
 */
export function parseMillidegrees(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text.trim())) return undefined;
  const celsius = Number(text.trim()) / 1000;
  return celsius > -60 && celsius < 200 ? celsius : undefined;
}

const byNumber = (prefix: string) => (a: string, b: string): number => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length));

/** Thermal zones and their `critical` trip point. */
function discoverThermalZones(sysRoot: string): TemperatureSensor[] {
  const root = join(sysRoot, 'class/thermal');
  const sensors: TemperatureSensor[] = [];
  for (const zone of listDir(root).filter((name) => /^thermal_zone\d+$/.test(name)).sort(byNumber('thermal_zone'))) {
    const dir = join(root, zone);
    const type = readText(join(dir, 'type'));
    if (!type) continue;
    let critCelsius: number | null = null;
    for (const file of listDir(dir)) {
      const trip = /^trip_point_(\d+)_type$/.exec(file);
      if (trip && readText(join(dir, file)) === 'critical') {
        critCelsius = parseMillidegrees(readText(join(dir, `trip_point_${trip[1]}_temp`))) ?? null;
      }
    }
    sensors.push({ id: zone, chip: type, label: null, maxCelsius: null, critCelsius, inputPath: join(dir, 'temp') });
  }
  return sensors;
}

/** hwmon names cannot hold `-`, so the thermal core registers a zone `cpu-thermal` as `cpu_thermal`. */
const comparableName = (name: string): string => name.toLowerCase().replace(/-/g, '_');

/**
 * hwmon temperature inputs. The thermal core mirrors every thermal zone type as an hwmon chip of the
 * same name (unless the driver opts out, as x86_pkg_temp does); those mirrors are skipped, since
 * the zone itself is reported. Kernels before ~3.x let drivers put the attributes on the parent
 * device, so `hwmonN/device/` is read when `hwmonN/` has none.
 */
function discoverHwmon(sysRoot: string, thermalTypes: Set<string>): TemperatureSensor[] {
  const root = join(sysRoot, 'class/hwmon');
  const sensors: TemperatureSensor[] = [];
  for (const hwmon of listDir(root).filter((name) => /^hwmon\d+$/.test(name)).sort(byNumber('hwmon'))) {
    let dir = join(root, hwmon);
    let files = listDir(dir);
    if (!files.includes('name') && !files.some((file) => /^temp\d+_input$/.test(file))) {
      dir = join(dir, 'device');
      files = listDir(dir);
    }
    const chip = readText(join(dir, 'name'));
    if (!chip || thermalTypes.has(comparableName(chip))) continue;
    const inputs = files.map((file) => /^temp(\d+)_input$/.exec(file)?.[1]).filter((n): n is string => n !== undefined);
    for (const n of inputs.sort((a, b) => Number(a) - Number(b))) {
      sensors.push({
        id: `${hwmon}/temp${n}`,
        chip,
        label: readText(join(dir, `temp${n}_label`)) ?? null,
        maxCelsius: parseMillidegrees(readText(join(dir, `temp${n}_max`))) ?? null,
        critCelsius: parseMillidegrees(readText(join(dir, `temp${n}_crit`))) ?? null,
        inputPath: join(dir, `temp${n}_input`),
      });
    }
  }
  return sensors;
}

/** Every temperature sensor under sysRoot: hwmon chips first, then thermal zones. */
export function discoverTemperatureSensors(sysRoot: string): TemperatureSensor[] {
  const zones = discoverThermalZones(sysRoot);
  return [...discoverHwmon(sysRoot, new Set(zones.map((zone) => comparableName(zone.chip)))), ...zones];
}

export interface TemperatureReaderOptions {
  sysRoot: string;
  now: () => number;
  /** How often to look for sensors again (drivers loaded late, hot-plugged NVMe). */
  rescanMs: number;
  /** How each sensor's input is read (default readFileSync). */
  read?: ReadText;
}

/**
 * Reads the current temperatures. Finding sensors lists directories and reads labels and limits,
 * which do not change, so that runs at most every `rescanMs` (or when a sensor vanished); each
 * collection then reads one `*_input` file per sensor.
 */
export function createTemperatureReader(options: TemperatureReaderOptions): { read(): TemperatureReading[] } {
  const read = options.read ?? readUtf8;
  let sensors: TemperatureSensor[] = [];
  let scannedAt: number | undefined;
  return {
    read() {
      const at = options.now();
      if (scannedAt === undefined || at < scannedAt || at - scannedAt >= options.rescanMs) {
        sensors = discoverTemperatureSensors(options.sysRoot);
        scannedAt = at;
      }
      const readings: TemperatureReading[] = [];
      for (const { inputPath, ...sensor } of sensors) {
        let text: string;
        try {
          text = read(inputPath);
        } catch (err) {
          // Drivers answer ENODATA/EIO/EAGAIN while their device sleeps or is down (iwlwifi, some
          // ACPI zones): no reading this time. A sensor that is gone makes the next read rescan.
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') scannedAt = undefined;
          continue;
        }
        const celsius = parseMillidegrees(text);
        if (celsius !== undefined) readings.push({ ...sensor, celsius });
      }
      return readings;
    },
  };
}

/**
 * The CPU's temperature when a sensor clearly is the CPU: Intel coretemp packages, AMD k10temp /
 * zenpower Tdie (Tctl carries a fan-curve offset on some models, so it is second choice), then thermal
 * zones named for the CPU or SoC (Raspberry Pi, most ARM boards, x86_pkg_temp). Undefined otherwise.
 */
export function cpuTemperature(readings: TemperatureReading[]): number | undefined {
  const max = (list: TemperatureReading[]): number | undefined => (list.length ? Math.max(...list.map((r) => r.celsius)) : undefined);
  const chip = (name: string) => readings.filter((r) => r.chip === name);
  const labelled = (list: TemperatureReading[], pattern: RegExp) => list.filter((r) => pattern.test(r.label ?? ''));

  const coretemp = chip('coretemp');
  const amd = [...chip('k10temp'), ...chip('zenpower')];
  return max(labelled(coretemp, /^(Package|Physical) id/)) ?? max(coretemp)
    ?? max(labelled(amd, /^Tdie$/)) ?? max(labelled(amd, /^Tctl$/)) ?? max(amd)
    ?? max(readings.filter((r) => r.id.startsWith('thermal_zone') && /cpu|soc|x86_pkg_temp/i.test(r.chip)));
}

/** `temp.max`: the hottest sensor; `temp.cpu` when a CPU sensor is known. Empty with no sensors. */
export function temperatureMetrics(readings: TemperatureReading[]): Record<string, number> {
  if (readings.length === 0) return {};
  const cpu = cpuTemperature(readings);
  return {
    'temp.max': Math.max(...readings.map((r) => r.celsius)),
    ...(cpu === undefined ? {} : { 'temp.cpu': cpu }),
  };
}
