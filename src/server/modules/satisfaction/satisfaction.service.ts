import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { SatisfactionView, satisfactionBodySchema } from '../../../shared/api/satisfaction';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { assertEvidenceUsable, evidenceViewsById } from '../evidence/evidence.service';
import { satisfactionResults } from './satisfaction.table';

type Input = z.output<typeof satisfactionBodySchema>;

export function createSatisfactionService({ db, clock }: { db: Database; clock: Clock }) {
  return {
    async list(actor: Actor): Promise<SatisfactionView[]> {
      const rows = await db
        .select()
        .from(satisfactionResults)
        .where(eq(satisfactionResults.organizationId, actor.organizationId))
        .orderBy(asc(satisfactionResults.year), asc(satisfactionResults.itemNo));
      const evidence = await evidenceViewsById(
        db,
        actor.organizationId,
        rows.flatMap((row) => row.evidenceIds),
      );
      return rows.map((row) => ({
        id: row.id,
        year: row.year,
        itemNo: row.itemNo,
        value: row.value,
        sample: row.sample,
        source: row.source,
        evidenceIds: row.evidenceIds,
        note: row.note,
        evidence: row.evidenceIds.flatMap((id) => evidence.get(id) ?? []),
      }));
    },
    async record(actor: Actor, input: Input): Promise<{ id: string }> {
      return db.transaction(async (tx) => {
        await assertEvidenceUsable(tx, actor, input.evidenceIds);
        const [row] = await tx
          .insert(satisfactionResults)
          .values({
            organizationId: actor.organizationId,
            ...input,
            recordedBy: actor.userId,
            recordedAt: clock.now(),
          })
          .returning();
        await recordAudit(tx, clock, actor, {
          action: 'satisfaction.record',
          entityType: 'satisfaction_result',
          entityId: row!.id,
          after: input,
        });
        return { id: row!.id };
      });
    },
    async remove(actor: Actor, id: string) {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .delete(satisfactionResults)
          .where(
            and(
              eq(satisfactionResults.organizationId, actor.organizationId),
              eq(satisfactionResults.id, id),
            ),
          )
          .returning();
        if (!row) throw new AppError('satisfaction.not_found');
        await recordAudit(tx, clock, actor, {
          action: 'satisfaction.delete',
          entityType: 'satisfaction_result',
          entityId: id,
          before: { year: row.year, itemNo: row.itemNo, value: row.value, source: row.source },
        });
      });
    },
  };
}
export type SatisfactionService = ReturnType<typeof createSatisfactionService>;
