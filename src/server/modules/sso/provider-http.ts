import { AppError } from '../../../shared/errors';

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 256 * 1024;

/**
 * One server-to-server call to an identity provider: a time limit, no redirects followed, and
 * an answer that is not 2xx (or does not come) is "unreachable" for the person signing in; the
 * details go to the log through the error's cause.
 */
export async function fetchFromProvider(url: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (cause) {
    throw Object.assign(new AppError('sso.provider_unreachable'), { cause });
  }
  if (!response.ok) {
    const body = await response.text().catch(() => '');
    throw Object.assign(new AppError('sso.provider_unreachable'), {
      cause: new Error(
        `${url.replace(/\?.*$/, '')} answered ${response.status}: ${body.slice(0, 300)}`,
      ),
    });
  }
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_BYTES)
    throw Object.assign(new AppError('sso.provider_unreachable'), {
      cause: new Error(`${url} answered ${length} bytes`),
    });
  return response;
}

/** A JSON object from a provider; anything else is as good as no answer. */
export async function jsonFromProvider(
  url: string,
  init: RequestInit = {},
): Promise<Record<string, unknown>> {
  const response = await fetchFromProvider(url, init);
  const text = await response.text();
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw Object.assign(new AppError('sso.provider_unreachable'), {
    cause: new Error(`${url.replace(/\?.*$/, '')} did not answer a JSON object`),
  });
}
