import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client';
import type { ApiInstance } from '../../http/types';

export function registerSystemRoutes(app: ApiInstance, db: Database) {
  app.get(
    '/api/v1/health',
    {
      schema: {
        operationId: 'system.health',
        tags: ['system'],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => {
      await db.execute(sql`select 1`);
      return { status: 'ok' as const };
    },
  );
}
