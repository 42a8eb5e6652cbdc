import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client';
import { users } from '../users/user.table';
import { evidence, evidenceBlobs, type Evidence, type EvidenceBlob } from './evidence.table';

/** A piece of evidence with what its views show: the blob's type and size, the uploader's name. */
export interface EvidenceRecord extends Evidence {
  mediaType: string | null;
  sizeBytes: number | null;
  uploaderName: string;
}

const recordColumns = {
  id: evidence.id,
  organizationId: evidence.organizationId,
  departmentId: evidence.departmentId,
  kind: evidence.kind,
  title: evidence.title,
  sha256: evidence.sha256,
  url: evidence.url,
  uploadedBy: evidence.uploadedBy,
  createdAt: evidence.createdAt,
  mediaType: evidenceBlobs.mediaType,
  sizeBytes: evidenceBlobs.sizeBytes,
  uploaderName: users.displayName,
};

/** The evidence of the organization among `ids` (unknown ids and other organizations' are left out). */
export async function listEvidenceRecords(
  executor: Executor,
  organizationId: string,
  ids: readonly string[],
): Promise<EvidenceRecord[]> {
  if (ids.length === 0) return [];
  return executor
    .select(recordColumns)
    .from(evidence)
    .innerJoin(users, eq(users.id, evidence.uploadedBy))
    .leftJoin(
      evidenceBlobs,
      and(
        eq(evidenceBlobs.organizationId, evidence.organizationId),
        eq(evidenceBlobs.sha256, evidence.sha256),
      ),
    )
    .where(and(eq(evidence.organizationId, organizationId), inArray(evidence.id, [...ids])));
}

/** Records the blob once per organization; a second upload of the same bytes finds it there. */
export async function ensureEvidenceBlob(
  executor: Executor,
  values: typeof evidenceBlobs.$inferInsert,
): Promise<EvidenceBlob> {
  await executor
    .insert(evidenceBlobs)
    .values(values)
    .onConflictDoNothing({ target: [evidenceBlobs.organizationId, evidenceBlobs.sha256] });
  const [row] = await executor
    .select()
    .from(evidenceBlobs)
    .where(
      and(
        eq(evidenceBlobs.organizationId, values.organizationId),
        eq(evidenceBlobs.sha256, values.sha256),
      ),
    );
  if (!row) throw new Error('evidence blob vanished');
  return row;
}

export async function insertEvidence(
  executor: Executor,
  values: typeof evidence.$inferInsert,
): Promise<Evidence> {
  const [row] = await executor.insert(evidence).values(values).returning();
  if (!row) throw new Error('insert returned no evidence');
  return row;
}
