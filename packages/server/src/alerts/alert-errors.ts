/** What the alert service refuses; the API maps each code to a status once (api/routes/alert-rules.ts). */
export type AlertErrorCode = 'validation.failed' | 'alert.unknown_metric' | 'rule.builtin' | 'rule.not_found' | 'alert.not_found' | 'override.not_found';

export class AlertError extends Error {
  constructor(readonly code: AlertErrorCode, message: string) {
    super(message);
    this.name = 'AlertError';
  }
}
