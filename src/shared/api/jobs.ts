import { z } from 'zod';

const timestampSchema = z.iso.datetime({ offset: true });

/** A background job as the web follows it: state and progress (0–100). */
export const jobViewSchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  progress: z.number().int().min(0).max(100),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  runAt: timestampSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  finishedAt: timestampSchema.nullable(),
  result: z.unknown(),
  lastError: z.string().nullable(),
});
export type JobView = z.infer<typeof jobViewSchema>;
