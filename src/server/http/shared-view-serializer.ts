import { serializerCompiler } from 'fastify-type-provider-zod';

/** Values handed to many requests unchanged (the view cache's), whose JSON may be reused. */
const sharedViews = new WeakSet<object>();

/** Marks a value that nobody changes after this, so each route serializes it once. */
export function markSharedView<T>(value: T): T {
  if (typeof value === 'object' && value !== null) sharedViews.add(value);
  return value;
}

type SerializerCompiler = Parameters<typeof serializerCompiler>[0];

/**
 * zod's serializer (every reply checked and encoded against its schema), but a shared view's JSON
 * is kept beside it: a dashboard of 2,000 cells is checked once per version, not per request.
 * Per route, because two routes may encode one value with different schemas.
 */
export function sharedViewSerializerCompiler(route: SerializerCompiler): (data: unknown) => string {
  const serialize = serializerCompiler(route);
  const serialized = new WeakMap<object, string>();
  return (data: unknown) => {
    if (typeof data !== 'object' || data === null || !sharedViews.has(data)) return serialize(data);
    let json = serialized.get(data);
    if (json === undefined) {
      json = serialize(data);
      serialized.set(data, json);
    }
    return json;
  };
}
