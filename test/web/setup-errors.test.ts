import { describe, expect, it } from 'vitest';
import { fieldErrors } from '../../packages/web/src/features/auth/validation.ts';

// Messages as `POST /api/setup` answers them (recorded from `pulse serve`).
describe('setup form errors', () => {
  it('puts each server message under the field it names', () => {
    expect(fieldErrors({ code: 'validation.failed', message: 'body.password: at least 10 characters' })).toEqual({
      password: 'At least 10 characters.',
    });
    expect(
      fieldErrors({
        code: 'validation.failed',
        message: 'body.username: Too small: expected string to have >=1 characters; body.username: letters, digits and _ . @ - only',
      }),
    ).toEqual({ username: 'Too small: expected string to have >=1 characters.' });
  });

  it('sends a finished setup to sign-in and keeps unknown messages above the form', () => {
    expect(fieldErrors({ code: 'setup.done', message: 'An admin already exists; sign in instead.' }).form).toMatch(/already set up/);
    expect(fieldErrors({ code: 'internal', message: 'database is locked' })).toEqual({ form: 'Database is locked.' });
  });
});
