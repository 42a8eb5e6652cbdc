import { systemApi } from '../../../shared/api/system';
import { route } from '../../http/route';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import type { ApiInstance } from '../../http/types';

export function registerSystemRoutes(app: ApiInstance, db: Database) {
  route(app, systemApi.health, async () => {
    await db.execute(sql`select 1`);
    return { status: 'ok' as const };
  });
}
