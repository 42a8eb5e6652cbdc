import { z } from 'zod';
import { timestampSchema } from './common';
import { defineOperation } from './operation';
import { idParamsSchema } from './contracts';
import { organizationStaff } from '../access';

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

/** The jobs operations: what the server serves and the web calls. */
export const jobsApi = {
  get: defineOperation({
    id: 'jobs.get',
    method: 'GET',
    path: '/api/v1/jobs/:id',
    tags: ['jobs'],
    description: "A background job's state and progress (0–100).",
    params: idParamsSchema,
    response: jobViewSchema,
    access: organizationStaff,
  }),
} as const;
