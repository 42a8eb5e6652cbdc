import { defineOperation } from './operation';
import { z } from 'zod';

/** The system operations: what the server serves and the web calls. */
export const systemApi = {
  health: defineOperation({
    id: 'system.health',
    method: 'GET',
    path: '/api/v1/health',
    tags: ['system'],
    response: z.object({ status: z.literal('ok') }),
    access: 'public',
  }),
} as const;
