import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** An error meant for the caller: an HTTP status, a stable code and a message for people. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const unauthorized = () => new AppError(401, 'auth.required', 'Sign in or send a bearer token to use this endpoint.');
export const forbidden = (scope: string) => new AppError(403, 'auth.forbidden', `This needs the "${scope}" scope.`);

interface ValidationIssue {
  instancePath?: string;
  message?: string;
}

function validationMessage(error: FastifyError): string {
  const where = error.validationContext ?? 'request';
  const issues = (error.validation ?? []) as ValidationIssue[];
  return issues
    .map((i) => {
      const field = (i.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
      return `${where}${field ? `.${field}` : ''}: ${i.message ?? 'invalid'}`;
    })
    .join('; ');
}

/** The one place errors become HTTP answers: `{ error: { code, message } }`, never a stack. */
export function onError(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof AppError) {
    void reply.code(error.status).headers(error.headers).send({ error: { code: error.code, message: error.message } });
    return;
  }
  if (error.validation) {
    void reply.code(400).send({ error: { code: 'validation.failed', message: validationMessage(error) } });
    return;
  }
  const status = error.statusCode ?? 500;
  if (status < 500) {
    const code = error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'body.malformed'
      : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'body.too_large'
      : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'body.unsupported_media_type'
      : 'request.invalid';
    void reply.code(status).send({ error: { code, message: error.message } });
    return;
  }
  request.log.error({ err: error }, 'request failed');
  void reply.code(500).send({ error: { code: 'internal', message: 'Something went wrong on the server; the log has the details.' } });
}
