import type { FastifyError, FastifyRequest } from 'fastify';

/**
 * What the server log must never hold: the one-time secrets of sign-in callbacks (OIDC `code` and
 * `state`, CAS `ticket`), tokens, passwords and signatures, wherever they appear in a URL or in a
 * message (an error's text often quotes the URL it fetched). Request bodies are never logged.
 */
const SECRET_PARAMETERS = [
  'code',
  'state',
  'ticket',
  'token',
  'id_token',
  'access_token',
  'refresh_token',
  'code_verifier',
  'client_secret',
  'password',
  'secret',
  'session_state',
  'samlresponse',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'signature',
];

const PARAMETER = new RegExp(`([?&;](?:${SECRET_PARAMETERS.join('|')})=)[^&#\\s"'<>]*`, 'gi');
/** Bearer / Basic credentials and a URL's user:password part. */
const CREDENTIALS = /\b(Bearer|Basic)\s+[\w.~+/=-]+|(\/\/)[^/\s:@]+:[^/\s@]+@/gi;

export const REDACTED = '[redacted]';

export function redactText(text: string): string {
  return text
    .replace(PARAMETER, `$1${REDACTED}`)
    .replace(CREDENTIALS, (_whole, scheme: string | undefined, slashes: string | undefined) =>
      scheme ? `${scheme} ${REDACTED}` : `${slashes}${REDACTED}@`,
    );
}

interface SerializedError {
  type: string;
  message: string;
  stack: string;
  [key: string]: unknown;
}

function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error))
    return { type: typeof error, message: redactText(String(error)), stack: '' };
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  return {
    type: error.constructor?.name ?? 'Error',
    message: redactText(error.message),
    stack: redactText(error.stack ?? ''),
    ...(code !== undefined ? { code } : {}),
    ...(cause !== undefined && depth < 3 ? { cause: serializeError(cause, depth + 1) } : {}),
  };
}

/** The logger's serializers: the request as Fastify logs it, with its URL redacted; errors redacted. */
export const logSerializers = {
  req(request: FastifyRequest) {
    return {
      method: request.method,
      url: redactText(request.url),
      host: request.host,
      remoteAddress: request.ip,
      remotePort: request.socket?.remotePort ?? 0,
    };
  },
  err: (error: FastifyError) => serializeError(error),
};
