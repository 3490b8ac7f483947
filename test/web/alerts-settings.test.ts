import { describe, expect, it } from 'vitest';
import { AlertSettings } from '../../packages/protocol/src/alert.ts';
import {
  defaultSettingsForm, durationIn, limitsOf, settingsBodyOf, settingsFormOf, settingsServerErrors, timeZones, validateSettings, zoneLabel, type SettingsForm,
} from '../../packages/web/src/features/alerts/settings-form.ts';

const form = (over: Partial<SettingsForm> = {}): SettingsForm => ({ ...defaultSettingsForm(), ...over });

describe('alert noise settings form', () => {
  it('shows stored seconds in the largest whole unit the field offers and sends them back unchanged', () => {
    const stored = AlertSettings.parse({ cooldownS: 600, groupWindowS: 45, flapWindowS: 7200, perResourceHourlyCap: 20, quietHours: { enabled: true, start: '23:30', end: '06:00', timezone: 'Europe/Berlin' } });
    const f = settingsFormOf(stored);
    expect(f).toMatchObject({ cooldown: { n: '10', unit: 'min' }, groupWindow: { n: '45', unit: 's' }, flapWindow: { n: '2', unit: 'h' }, cap: '20', quietStart: '23:30', timezone: 'Europe/Berlin' });
    expect(validateSettings(f)).toEqual({});
    expect(settingsBodyOf(f)).toEqual(stored);
    expect(durationIn(86_400, ['s', 'min', 'h'])).toEqual({ n: '24', unit: 'h' });
    expect(durationIn(0, ['s', 'min'])).toEqual({ n: '0', unit: 's' });
  });

  it('converts the typed unit to seconds for the body', () => {
    const body = settingsBodyOf(form({ cooldown: { n: '2', unit: 'min' }, groupWindow: { n: '1', unit: 'min' }, flapWindow: { n: '90', unit: 'min' } }));
    expect(body).toMatchObject({ cooldownS: 120, groupWindowS: 60, flapWindowS: 5400 });
    expect(AlertSettings.safeParse(body).success).toBe(true);
  });

  it('quotes the schema limits in plain words beside each field', () => {
    expect(limitsOf('groupWindowS')).toEqual([0, 600]);
    const e = validateSettings(form({ groupWindow: { n: '11', unit: 'min' }, cooldown: { n: '', unit: 's' }, cap: '0', flapChanges: '1.5', flapWindow: { n: '30', unit: 's' } }));
    expect(e).toEqual({
      groupWindow: 'Must be between 0 s and 10 min.',
      cooldown: 'A duration between 0 s and 24 h.',
      cap: 'Must be a whole number from 1 to 1000.',
      flapChanges: 'Must be a whole number from 2 to 100.',
      flapWindow: 'Must be between 1 min and 24 h.',
    });
    expect(validateSettings(form({ cooldown: { n: '1.5', unit: 's' } }))['cooldown']).toBe('Whole seconds only.');
  });

  it('checks quiet hours: real clock times, a non-empty span and a zone the browser knows', () => {
    expect(validateSettings(form({ quietStart: '24:00', quietEnd: '7' }))).toMatchObject({ quietStart: expect.any(String), quietEnd: expect.any(String) });
    expect(validateSettings(form({ quietEnabled: true, quietStart: '22:00', quietEnd: '22:00' }))['quietEnd']).toMatch(/never begin/);
    expect(validateSettings(form({ quietEnabled: false, quietStart: '22:00', quietEnd: '22:00' }))).toEqual({});
    expect(validateSettings(form({ timezone: 'Mars/Olympus_Mons' }))['timezone']).toMatch(/not a time zone/);
    expect(validateSettings(form({ timezone: 'Etc/UTC' }))).toEqual({});
  });

  it('puts each problem of a server 400 on its field and keeps the rest for the form', () => {
    const e = settingsServerErrors('body.cooldownS: Too small: expected number to be >=0; body.quietHours.start: Invalid string: must match pattern; body: something else');
    expect(e).toEqual({ cooldown: 'Too small: expected number to be >=0.', quietStart: 'Invalid string: must match pattern.', form: 'body: something else' });
    expect(settingsServerErrors('body.quietHours.timezone: too long')).toEqual({ timezone: 'Too long.' });
  });

  it('offers every zone of the browser with UTC first, and keeps a stored zone the list lacks', () => {
    const zones = timeZones('Etc/UTC');
    expect(zones[0]).toBe('UTC');
    expect(zones).toContain('Europe/Berlin');
    expect(zones).toContain('Etc/UTC');
    expect(zoneLabel('Asia/Kolkata', Date.UTC(2026, 0, 1))).toBe('Asia/Kolkata (UTC+05:30)');
    expect(zoneLabel('UTC')).toBe('UTC');
  });
});
