import { validatorCompiler } from 'fastify-type-provider-zod';
import { AppError, type FieldIssue } from '../../shared/errors';

/**
 * What no field of any request may carry, whatever its schema says, checked after the route's zod
 * schema passed: a NUL character (PostgreSQL text cannot hold it), a date that is no calendar day
 * (2026-02-31; a JavaScript Date would silently roll it into March), and an integer beyond the
 * 32-bit range of the integer columns (any number beyond it: no field needs one). Each is refused as request.invalid with the field's path,
 * so bad input is a 400 that changes nothing, never a 500 from the database.
 */
const INT32_MAX = 2_147_483_647;
const DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function isCalendarDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

export function inputProblems(value: unknown, path: string[] = []): FieldIssue[] {
  const at = () => path.join('.');
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      return [{ path: at(), message: 'must not contain NUL characters' }];
    const date = DATE_PREFIX.exec(value);
    if (date && !isCalendarDay(Number(date[1]), Number(date[2]), Number(date[3])))
      return [{ path: at(), message: 'is not a calendar date' }];
    return [];
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return [{ path: at(), message: 'must be a finite number' }];
    if (Math.abs(value) > INT32_MAX)
      return [{ path: at(), message: `must be between ${-INT32_MAX} and ${INT32_MAX}` }];
    return [];
  }
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? [{ path: at(), message: 'is not a date' }] : [];
  if (Array.isArray(value))
    return value.flatMap((item, index) => inputProblems(item, [...path, String(index)]));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).flatMap(([key, inner]) => {
      const keyProblems = key.includes('\u0000')
        ? [
            {
              path: [...path, key.replace(/\u0000/g, '\\0')].join('.'),
              message: 'must not contain NUL characters',
            },
          ]
        : [];
      return [...keyProblems, ...inputProblems(inner, [...path, key])];
    });
  }
  return [];
}

const PART_NAMES: Record<string, string> = {
  body: 'body',
  querystring: 'querystring',
  params: 'params',
  headers: 'headers',
};

/** The zod validator compiler, then the checks above on what it accepted (and on the raw input). */
export const guardedValidatorCompiler: typeof validatorCompiler = (route) => {
  const validate = validatorCompiler(route);
  const part = PART_NAMES[route.httpPart ?? 'body'] ?? 'body';
  return (data: unknown) => {
    const result = validate(data);
    if (typeof result !== 'object' || !result || 'then' in result || result.error) return result;
    const problems = [...inputProblems(data, [part]), ...inputProblems(result.value, [part])];
    if (problems.length === 0) return result;
    const unique = [...new Map(problems.map((issue) => [issue.path, issue])).values()];
    return { error: new AppError('request.invalid', {}, unique) };
  };
};
