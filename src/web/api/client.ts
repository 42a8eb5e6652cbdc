import type { z } from 'zod';
import type { errorResponseSchema, FieldIssueView } from './types';

type ErrorBody = z.infer<typeof errorResponseSchema>['error'];

/** A refusal from the server, with its stable code and its message in the user's language. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly issues: FieldIssueView[];

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
}

/** Told of every auth.required / auth.password_change_required, so the app can change page. */
export function onAuthProblem(listener: (error: ApiError) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': language };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return answer<T>(response);
}

/** Posts one file as multipart field "file", as the upload routes expect it. */
export async function uploadFile<T>(url: string, file: File): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': language };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const form = new FormData();
  form.append('file', file, file.name);
  return answer<T>(
    await fetch(url, { method: 'POST', headers, credentials: 'same-origin', body: form }),
  );
}

async function answer<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(
      response.status,
      payload?.error ?? { code: 'internal', message: response.statusText, issues: [] },
    );
    if (error.code === 'auth.required' || error.code === 'auth.password_change_required')
      listeners.forEach((listener) => listener(error));
    throw error;
  }
  return payload as T;
}
