import type { z } from 'zod';
import type { Access } from '../access';

/**
 * One API operation, defined once and read by both ends: the server registers its handler
 * against it (`server/http/route.ts`: the zod schemas validate, the access is the permission
 * table's row), the web calls it by it (`web/api/client.ts`: the URL and the types come from it,
 * the answer is parsed by its response schema).
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The answer is a file (a download: .xlsx, .docx, evidence), not JSON. */
export const fileResponse = { kind: 'file' } as const;
/** The answer redirects the browser (campus sign-on steps). */
export const redirectResponse = { kind: 'redirect' } as const;

export type ResponseDefinition = z.ZodType | typeof fileResponse | typeof redirectResponse;

export interface OperationDefinition {
  /** The operationId: stable, named in the audit log, the OpenAPI document and the tests. */
  readonly id: string;
  readonly method: Method;
  /** Fastify's form: `/api/v1/plans/:id/findings`; each `:name` is a field of `params`. */
  readonly path: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** The request is multipart with one file in field "file" (and the query, if any). */
  readonly upload?: true;
  readonly response: ResponseDefinition;
  /** The success status (200 unless named); a list when the operation answers more than one. */
  readonly status?: number | readonly number[];
  /** Content types of a file answer. */
  readonly produces?: readonly string[];
  readonly access: Access;
  readonly tags?: readonly string[];
  readonly description?: string;
}

/** Declares one operation, keeping its literal id and path for the types derived from it. */
export function defineOperation<const D extends OperationDefinition>(definition: D): D {
  return definition;
}

type Field<D, K extends 'params' | 'query' | 'body', Side extends 'input' | 'output'> = D extends {
  readonly [P in K]: infer S extends z.ZodType;
}
  ? Side extends 'input'
    ? z.input<S>
    : z.output<S>
  : undefined;

/** What a caller sends (before the server's parsing: query strings as written). */
export type ParamsOf<D> = Field<D, 'params', 'input'>;
export type QueryOf<D> = Field<D, 'query', 'input'>;
export type BodyOf<D> = Field<D, 'body', 'input'>;
/** What a handler receives (after parsing and defaults). */
export type ParsedParamsOf<D> = Field<D, 'params', 'output'>;
export type ParsedQueryOf<D> = Field<D, 'query', 'output'>;
export type ParsedBodyOf<D> = Field<D, 'body', 'output'>;

/** What the caller gets back, parsed. */
export type ResponseOf<D> = D extends { readonly response: infer S extends z.ZodType }
  ? z.output<S>
  : D extends { readonly response: typeof fileResponse }
    ? Blob
    : never;
/** What a handler answers (before serialisation). */
export type ReplyOf<D> = D extends { readonly response: infer S extends z.ZodType }
  ? z.input<S>
  : unknown;

type Part<K extends string, T> = [T] extends [undefined]
  ? { readonly [P in K]?: undefined }
  : Record<string, never> extends T
    ? { readonly [P in K]?: T }
    : { readonly [P in K]: T };

/** The input of a call: params, query and body, each required when the operation has one. */
export type InputOf<D> = Part<'params', ParamsOf<D>> &
  Part<'query', QueryOf<D>> &
  Part<'body', BodyOf<D>>;

/** The first success status of an operation. */
export function successStatus(definition: OperationDefinition): number {
  const { status } = definition;
  if (status === undefined) return 200;
  return typeof status === 'number' ? status : (status[0] ?? 200);
}

export function isSchemaResponse(response: ResponseDefinition): response is z.ZodType {
  return response !== fileResponse && response !== redirectResponse;
}

/**
 * The address of an operation: its path with the params filled in (each encoded) and the
 * query appended (undefined fields left out, arrays repeated).
 */
export function pathOf(
  definition: OperationDefinition,
  input: { params?: unknown; query?: unknown },
): string {
  const params = (input.params ?? {}) as Record<string, unknown>;
  const path = definition.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === null || value === '')
      throw new Error(`${definition.id}: path parameter ${name} is missing`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries((input.query ?? {}) as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(name, String(one));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

/** The media types of the files the API answers. */
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
