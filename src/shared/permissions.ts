import type { Access } from './access';
import { operations, type OperationId } from './api/operations';

export { roleMayCall, type Access } from './access';
export type { OperationId } from './api/operations';

/**
 * Who may call each API operation: the one table the server enforces and the tests check
 * every route against, derived from the operations' definitions (`shared/api/<feature>.ts`,
 * each names its `access`; the role groups are in `shared/access.ts`). Keys are the operationIds.
 */
export const permissions = Object.fromEntries(
  Object.values(operations).map((operation) => [operation.id, operation.access]),
) as { readonly [K in OperationId]: Access };

export function isOperationId(value: unknown): value is OperationId {
  return typeof value === 'string' && Object.hasOwn(permissions, value);
}
