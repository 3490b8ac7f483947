import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cpuTemperature, createTemperatureReader, discoverTemperatureSensors, parseMillidegrees, temperatureMetrics,
} from './temperatures.js';
import type { TemperatureReading } from './temperatures.js';

const sys = (tree: string): string => fileURLToPath(new URL(`fixtures/${tree}/sys`, import.meta.url));
const roots: string[] = [];
afterEach(() => { for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true }); });

const reading = (chip: string, label: string | null, celsius: number, id = `hwmon0/${label}`): TemperatureReading =>
  ({ id, chip, label, celsius, maxCelsius: null, critCelsius: null });

describe('temperatures', () => {
  it('reads hwmon chips and thermal zones, skipping the hwmon mirrors of thermal zones', () => {
    const readings = createTemperatureReader({ sysRoot: sys('proxmox'), now: () => 0, rescanMs: 60_000 }).read();
    // hwmon0 (acpitz) and hwmon2 (pch_cannonlake) are the thermal core's copies of zones 0 and 1.
    expect(readings.map((r) => r.id)).toEqual([
      'hwmon1/temp1', 'hwmon1/temp2', 'hwmon1/temp3',
      'hwmon3/temp1', 'hwmon3/temp2', 'hwmon3/temp3', 'hwmon3/temp4', 'hwmon3/temp5', 'hwmon3/temp6', 'hwmon3/temp7',
      'thermal_zone0', 'thermal_zone1', 'thermal_zone2',
    ]);
    expect(readings[0]).toEqual({ id: 'hwmon1/temp1', chip: 'nvme', label: 'Composite', celsius: 38.85, maxCelsius: 81.85, critCelsius: 84.85 });
    // NVMe reports 65261.85 °C as the max of sensors that have none: not a threshold.
    expect(readings[2]).toMatchObject({ label: 'Sensor 2', celsius: 52.85, maxCelsius: null });
    expect(readings[3]).toMatchObject({ chip: 'coretemp', label: 'Package id 0', celsius: 48, maxCelsius: 86, critCelsius: 100 });
    expect(readings.slice(-3)).toEqual([
      { id: 'thermal_zone0', chip: 'acpitz', label: null, celsius: 27.8, maxCelsius: null, critCelsius: 119 },
      { id: 'thermal_zone1', chip: 'pch_cannonlake', label: null, celsius: 44, maxCelsius: null, critCelsius: 115 },
      { id: 'thermal_zone2', chip: 'x86_pkg_temp', label: null, celsius: 48, maxCelsius: null, critCelsius: null },
    ]);
    // The hottest sensor is the NVMe's, not the CPU's.
    expect(temperatureMetrics(readings)).toEqual({ 'temp.max': 52.85, 'temp.cpu': 48 });
  });

  it('finds attributes on the parent device, as 2.6.32\'s per-core coretemp puts them', () => {
    const readings = createTemperatureReader({ sysRoot: sys('old-kernel'), now: () => 0, rescanMs: 60_000 }).read();
    expect(readings).toEqual([
      { id: 'hwmon0/temp1', chip: 'coretemp', label: 'Core 0', celsius: 42, maxCelsius: 85, critCelsius: 100 },
      { id: 'hwmon1/temp1', chip: 'coretemp', label: 'Core 1', celsius: 45, maxCelsius: 85, critCelsius: 100 },
    ]);
    // No package sensor on this generation: the hottest core stands for the CPU.
    expect(temperatureMetrics(readings)).toEqual({ 'temp.max': 45, 'temp.cpu': 45 });
  });

  it('reports no sensors and no metrics in a container or VM without hwmon or thermal zones', () => {
    expect(discoverTemperatureSensors(sys('docker-container'))).toEqual([]);
    expect(temperatureMetrics([])).toEqual({});
  });

  it('reads inputs every time but looks for sensors again only after rescanMs or when one vanished', () => {
    const root = mkdtempSync(join(tmpdir(), 'pulse-temp-'));
    roots.push(root);
    cpSync(sys('proxmox'), root, { recursive: true });
    let now = 0;
    const reader = createTemperatureReader({ sysRoot: root, now: () => now, rescanMs: 60_000 });
    expect(reader.read()).toHaveLength(13);

    writeFileSync(join(root, 'class/hwmon/hwmon3/temp1_input'), '91000\n');
    writeFileSync(join(root, 'class/hwmon/hwmon3/temp1_label'), 'renamed\n');
    now = 1000;
    // The new value is read; the label is cached from discovery.
    expect(reader.read()[3]).toMatchObject({ label: 'Package id 0', celsius: 91 });

    rmSync(join(root, 'class/hwmon/hwmon1'), { recursive: true });
    expect(reader.read()).toHaveLength(10);
    // The read that missed a sensor triggers a rescan on the next read, which picks up the new label.
    expect(reader.read()[0]).toMatchObject({ id: 'hwmon3/temp1', label: 'renamed' });
  });

  it('reads integer millidegrees and rejects what no working sensor reports', () => {
    expect(parseMillidegrees('45500\n')).toBe(45.5);
    expect(parseMillidegrees('-5000')).toBe(-5);
    expect(parseMillidegrees('-273150')).toBeUndefined();
    expect(parseMillidegrees('255000')).toBeUndefined();
    expect(parseMillidegrees('')).toBeUndefined();
    expect(parseMillidegrees('n/a')).toBeUndefined();
  });

  it('picks the CPU sensor: Intel package, AMD Tdie before Tctl, then a CPU thermal zone', () => {
    expect(cpuTemperature([reading('k10temp', 'Tctl', 77), reading('k10temp', 'Tdie', 50), reading('nvme', 'Composite', 60)])).toBe(50);
    expect(cpuTemperature([reading('k10temp', 'Tctl', 61)])).toBe(61);
    expect(cpuTemperature([reading('cpu-thermal', null, 55, 'thermal_zone0'), reading('acpitz', null, 30, 'thermal_zone1')])).toBe(55);
    expect(cpuTemperature([reading('acpitz', null, 30, 'thermal_zone0'), reading('nvme', 'Composite', 40)])).toBeUndefined();
  });
});
