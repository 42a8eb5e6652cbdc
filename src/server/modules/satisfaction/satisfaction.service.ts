import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { SatisfactionView, satisfactionBodySchema } from '../../../shared/api/satisfaction';
import { AppError } from '../../../shared/errors';
import type { Clock } from '../../clock';
import type { Database } from '../../db/client';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { assertEvidenceUsable, evidenceViewsById } from '../evidence/evidence.service';
import { readThirdPartySheet, thirdPartyKey } from '../../../shared/satisfaction/result-sheet';
import type { Upload } from '../../http/upload';
import { readSpreadsheet } from '../../io/plan-document-reader';
import { writeDocument } from '../../io/document-writer-pool';
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
    async update(actor: Actor, id: string, input: Input): Promise<SatisfactionView> {
      await db.transaction(async (tx) => {
        await assertEvidenceUsable(tx, actor, input.evidenceIds);
        const [before] = await tx
          .select()
          .from(satisfactionResults)
          .where(
            and(
              eq(satisfactionResults.organizationId, actor.organizationId),
              eq(satisfactionResults.id, id),
            ),
          )
          .for('update');
        if (!before) throw new AppError('satisfaction.not_found');
        await tx.update(satisfactionResults).set(input).where(eq(satisfactionResults.id, id));
        await recordAudit(tx, clock, actor, {
          action: 'satisfaction.update',
          entityType: 'satisfaction_result',
          entityId: id,
          before: {
            year: before.year,
            itemNo: before.itemNo,
            value: before.value,
            sample: before.sample,
            source: before.source,
            evidenceIds: before.evidenceIds,
            note: before.note,
          },
          after: input,
        });
      });
      const view = (await this.list(actor)).find((row) => row.id === id);
      if (!view) throw new AppError('satisfaction.not_found');
      return view;
    },
    /**
     * A results sheet: every row checked first, then all written in one transaction, or none. A
     * row for a year, item and source already recorded corrects that result (its evidence kept),
     * so importing the same sheet twice never doubles a result.
     */
    async importSheet(
      actor: Actor,
      upload: Upload,
    ): Promise<{ imported: number; updated: number }> {
      const document = await readSpreadsheet(upload, {
        maxRows: 2000,
        maxColumns: 30,
        // a results sheet is a few rows a year
        maxInflatedBytes: 5 * 1024 * 1024,
      });
      const table = document.blocks.find((block) => block.kind === 'table');
      const sheet = table && table.kind === 'table' ? readThirdPartySheet(table.rows) : null;
      if (!sheet) throw new AppError('satisfaction.sheet_no_header');
      if (sheet.problems.length > 0)
        throw new AppError('satisfaction.sheet_invalid', {
          rows: sheet.problems.map((problem) => problem.sourceRow).join('、'),
        });
      if (sheet.rows.length === 0) throw new AppError('satisfaction.sheet_empty');
      return db.transaction(async (tx) => {
        const existing = await tx
          .select()
          .from(satisfactionResults)
          .where(eq(satisfactionResults.organizationId, actor.organizationId))
          .for('update');
        const byKey = new Map(existing.map((row) => [thirdPartyKey(row), row]));
        let imported = 0;
        let updated = 0;
        for (const { sourceRow: _row, ...row } of sheet.rows) {
          const known = byKey.get(thirdPartyKey(row));
          if (known) {
            await tx
              .update(satisfactionResults)
              .set({ value: row.value, sample: row.sample, note: row.note || known.note })
              .where(eq(satisfactionResults.id, known.id));
            updated += 1;
          } else {
            await tx.insert(satisfactionResults).values({
              organizationId: actor.organizationId,
              ...row,
              evidenceIds: [],
              recordedBy: actor.userId,
              recordedAt: clock.now(),
            });
            imported += 1;
          }
        }
        await recordAudit(tx, clock, actor, {
          action: 'satisfaction.import',
          entityType: 'satisfaction_result',
          entityId: null,
          after: { file: upload.fileName, rows: sheet.rows.length, imported, updated },
        });
        return { imported, updated };
      });
    },
    /** The empty results sheet (the same for every organization). */
    template: (): Promise<Buffer> => writeDocument('thirdPartyTemplateXlsx'),
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
