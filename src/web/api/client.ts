import type { z } from 'zod';
import type { errorResponseSchema } from '../../shared/api/contracts';
import {
  fileResponse,
  isSchemaResponse,
  pathOf,
  type InputOf,
  type OperationDefinition,
  type ResponseOf,
} from '../../shared/api/operation';
import type { FieldIssue } from '../../shared/errors';
import { LOCALE_COOKIE } from '../../shared/locale';
import { translateInWeb } from '../catalogues';

type ErrorBody = z.infer<typeof errorResponseSchema>['error'];

/** A refusal from the server, with its stable code and its message in the user's language. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly issues: FieldIssue[];

  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.code = body.code;
    this.status = status;
    this.issues = body.issues;
  }
}

let csrfToken: string | null = null;
let language = 'zh-CN';
const listeners = new Set<(error: ApiError) => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setApiLanguage(locale: string): void {
  language = locale;
  // Downloads are links: the server reads the reader's language from this cookie.
  if (typeof document !== 'undefined')
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is async and missing in Firefox; this one value needs no escaping
    document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=31536000; SameSite=Lax`;
}

/** Told of every auth.required / auth.password_change_required, so the app can change page. */
export function onAuthProblem(listener: (error: ApiError) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export interface CallOptions {
  /** Cancels the request (TanStack Query passes one: a newer filter cancels the older answer). */
  signal?: AbortSignal;
}

/** The arguments of a call: the input may be left out when the operation needs none. */
export type CallArgs<D> =
  Record<string, never> extends InputOf<D>
    ? [input?: InputOf<D>, options?: CallOptions]
    : [input: InputOf<D>, options?: CallOptions];

/** The address of an operation, for a link or a download (`<a href>`): path and query from its definition. */
export function hrefOf<D extends OperationDefinition>(
  definition: D,
  ...[input]: CallArgs<D>
): string {
  return pathOf(definition, input ?? {});
}

/**
 * Calls one operation by its definition: the URL, the method and the types come from it, and
 * the answer is parsed by its response schema (a file answer is a Blob).
 */
export async function call<D extends OperationDefinition>(
  definition: D,
  ...[input, options]: CallArgs<D>
): Promise<ResponseOf<D>> {
  const given = (input ?? {}) as { body?: unknown };
  const headers: Record<string, string> = { 'accept-language': language };
  if (given.body !== undefined) headers['content-type'] = 'application/json';
  if (definition.method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(pathOf(definition, input ?? {}), {
    method: definition.method,
    headers,
    credentials: 'same-origin',
    ...(given.body === undefined ? {} : { body: JSON.stringify(given.body) }),
    ...(options?.signal ? { signal: options.signal } : {}),
  });
  return answer(definition, response);
}

/** Posts one file as multipart field "file" to an upload operation (its query from the input). */
export async function upload<D extends OperationDefinition & { upload: true }>(
  definition: D,
  file: File,
  ...[input, options]: CallArgs<D>
): Promise<ResponseOf<D>> {
  const headers: Record<string, string> = { 'accept-language': language };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const form = new FormData();
  form.append('file', file, file.name);
  const response = await fetch(pathOf(definition, input ?? {}), {
    method: definition.method,
    headers,
    credentials: 'same-origin',
    body: form,
    ...(options?.signal ? { signal: options.signal } : {}),
  });
  return answer(definition, response);
}

/** The error catalogue's body (`{ error: { code, message, issues } }`), or an internal error. */
function errorBodyOf(payload: unknown, statusText: string): ErrorBody {
  const body = (payload as { error?: Partial<ErrorBody> } | null)?.error;
  if (body && typeof body.code === 'string' && typeof body.message === 'string')
    return { ...body, code: body.code, message: body.message, issues: body.issues ?? [] };
  return { code: 'internal', message: statusText, issues: [] };
}

async function answer<D extends OperationDefinition>(
  definition: D,
  response: Response,
): Promise<ResponseOf<D>> {
  if (!response.ok) {
    const payload = await response.json().catch(() => null);
    const error = new ApiError(response.status, errorBodyOf(payload, response.statusText));
    if (error.code === 'auth.required' || error.code === 'auth.password_change_required')
      for (const listener of listeners) listener(error);
    throw error;
  }
  if (definition.response === fileResponse) return (await response.blob()) as ResponseOf<D>;
  if (!isSchemaResponse(definition.response))
    throw new Error(`${definition.id} redirects the browser; link to it with hrefOf`);
  const payload = response.status === 204 ? null : await response.json();
  const parsed = definition.response.safeParse(payload);
  if (!parsed.success) {
    console.error(`${definition.id}: the answer does not match its schema`, parsed.error);
    throw new ApiError(response.status, {
      code: 'response.invalid',
      message: translateInWeb(language === 'en' ? 'en' : 'zh-CN', 'error.response'),
      issues: [],
    });
  }
  return parsed.data as ResponseOf<D>;
}
