import { sha256 } from '../../io/sha256';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import {
  evidenceContentUrl,
  type evidenceLinkBodySchema,
  type EvidenceView,
} from '../../../shared/api/evidence';
import { AppError, formatBytes } from '../../../shared/errors';
import type { Clock } from '../../clock';
import type { Database, Executor } from '../../db/client';
import type { Upload } from '../../http/upload';
import { detectEvidenceType, sanitizeFileName } from '../../io/evidence-type';
import { defaultZipLimits, type ZipLimits } from '../../io/zip-guard';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { findDepartmentInOrganization } from '../departments/department.repository';
import {
  ensureEvidenceBlob,
  insertEvidence,
  listEvidenceRecords,
  type EvidenceRecord,
} from './evidence.repository';
import type { EvidenceStore } from './evidence.store';
import { EvidenceStoreError } from './evidence.s3-store';

type LinkInput = z.output<typeof evidenceLinkBodySchema>;

/** Who may see a piece of evidence: the organization's coordinator, admin and leaders; a liaison only their department's (and their own uploads). */
function mayRead(actor: Actor, record: EvidenceRecord): boolean {
  if (record.organizationId !== actor.organizationId) return false;
  if (actor.role === 'admin' || actor.role === 'coordinator' || actor.role === 'leader')
    return true;
  if (actor.role === 'liaison')
    return (
      (record.departmentId !== null && record.departmentId === actor.departmentId) ||
      record.uploadedBy === actor.userId
    );
  return false;
}

export function toEvidenceView(record: EvidenceRecord): EvidenceView {
  return {
    id: record.id,
    kind: record.kind,
    title: record.title,
    departmentId: record.departmentId,
    mediaType: record.kind === 'file' ? record.mediaType : null,
    sizeBytes: record.kind === 'file' ? record.sizeBytes : null,
    contentUrl: record.kind === 'file' ? evidenceContentUrl(record.id) : null,
    url: record.url,
    uploadedBy: record.uploaderName,
    createdAt: record.createdAt.toISOString(),
  };
}

/**
 * The evidence named by `evidenceIds`, in that order, when the actor may cite every one of them:
 * of their organization and, for a liaison, of their department (or uploaded by them). Otherwise
 * `evidence.not_found`, whether the id is unknown or someone else's. Other modules call it inside
 * the transaction that stores the ids.
 */
export async function assertEvidenceUsable(
  executor: Executor,
  actor: Actor,
  evidenceIds: readonly string[],
): Promise<EvidenceRecord[]> {
  const ids = [...new Set(evidenceIds)];
  if (ids.length === 0) return [];
  const found = new Map(
    (await listEvidenceRecords(executor, actor.organizationId, ids)).map((record) => [
      record.id,
      record,
    ]),
  );
  for (const id of ids) {
    const record = found.get(id);
    if (!record || !mayRead(actor, record))
      throw new AppError('evidence.not_found', {}, [{ path: 'evidenceIds', message: id }]);
  }
  return ids.map((id) => found.get(id)!);
}

/** Evidence views of the organization by id, for modules that show what a record cites (no access check: the record's own scope decides). */
export async function evidenceViewsById(
  executor: Executor,
  organizationId: string,
  ids: readonly string[],
): Promise<Map<string, EvidenceView>> {
  const records = await listEvidenceRecords(executor, organizationId, [...new Set(ids)]);
  return new Map(records.map((record) => [record.id, toEvidenceView(record)]));
}

const sha256Of = (bytes: Buffer) => sha256(bytes);

/** A store that cannot be reached is the user's "try again later", with the reason kept for the log. */
async function reachStore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!(error instanceof EvidenceStoreError)) throw error;
    const unavailable = new AppError('evidence.store_unavailable');
    unavailable.cause = error;
    throw unavailable;
  }
}

export function createEvidenceService({
  db,
  clock,
  store,
  maxFileBytes,
  zipLimits = defaultZipLimits,
}: {
  db: Database;
  clock: Clock;
  store: EvidenceStore;
  maxFileBytes: number;
  zipLimits?: ZipLimits;
}) {
  /** The department new evidence belongs to: a liaison's own; for the coordinating office, the one named (or none). */
  async function departmentFor(
    executor: Executor,
    actor: Actor,
    departmentId: string | undefined,
  ): Promise<string | null> {
    if (actor.role === 'liaison') {
      if (departmentId !== undefined && departmentId !== actor.departmentId)
        throw new AppError('auth.forbidden');
      if (!actor.departmentId) throw new AppError('auth.forbidden');
      return actor.departmentId;
    }
    if (departmentId === undefined) return null;
    const department = await findDepartmentInOrganization(
      executor,
      actor.organizationId,
      departmentId,
    );
    if (!department) throw new AppError('department.not_found');
    return department.id;
  }

  async function readable(actor: Actor, id: string): Promise<EvidenceRecord> {
    const [record] = await listEvidenceRecords(db, actor.organizationId, [id]);
    if (!record || !mayRead(actor, record)) throw new AppError('evidence.not_found');
    return record;
  }

  return {
    /** An uploaded file, typed by its content and stored once per organization by its sha256. */
    async upload(
      actor: Actor,
      upload: Upload,
      query: { departmentId?: string | undefined },
    ): Promise<EvidenceView> {
      if (upload.bytes.length === 0) throw new AppError('evidence.empty_file');
      if (upload.bytes.length > maxFileBytes)
        throw new AppError('request.too_large', { limit: formatBytes(maxFileBytes) });
      const departmentId = await departmentFor(db, actor, query.departmentId);
      const type = await detectEvidenceType(upload.bytes, upload.fileName, zipLimits);
      const title = sanitizeFileName(upload.fileName, type);
      const sha256 = sha256Of(upload.bytes);
      // The bytes first: content-addressed, so a failed transaction leaves at worst an unreferenced file.
      await reachStore(() => store.put(actor.organizationId, sha256, upload.bytes));
      return db.transaction(async (tx) => {
        const now = clock.now();
        await ensureEvidenceBlob(tx, {
          organizationId: actor.organizationId,
          sha256,
          sizeBytes: upload.bytes.length,
          mediaType: type.mediaType,
          createdAt: now,
        });
        const row = await insertEvidence(tx, {
          organizationId: actor.organizationId,
          departmentId,
          kind: 'file',
          title,
          sha256,
          uploadedBy: actor.userId,
          createdAt: now,
        });
        await recordAudit(tx, clock, actor, {
          action: 'evidence.upload',
          entityType: 'evidence',
          entityId: row.id,
          after: {
            ...row,
            mediaType: type.mediaType,
            sizeBytes: upload.bytes.length,
            originalName: upload.fileName.slice(0, 255),
          },
        });
        const [record] = await listEvidenceRecords(tx, actor.organizationId, [row.id]);
        return toEvidenceView(record!);
      });
    },

    /** A link (a news item on the institution's site, a shared folder): http or https only. */
    async createLink(actor: Actor, input: LinkInput): Promise<EvidenceView> {
      let url: URL;
      try {
        url = new URL(input.url);
      } catch {
        throw new AppError('evidence.bad_url');
      }
      if (
        (url.protocol !== 'http:' && url.protocol !== 'https:') ||
        !url.hostname ||
        url.username ||
        url.password
      )
        throw new AppError('evidence.bad_url');
      return db.transaction(async (tx) => {
        const departmentId = await departmentFor(tx, actor, input.departmentId);
        const row = await insertEvidence(tx, {
          organizationId: actor.organizationId,
          departmentId,
          kind: 'link',
          title: input.title,
          url: url.href,
          uploadedBy: actor.userId,
          createdAt: clock.now(),
        });
        await recordAudit(tx, clock, actor, {
          action: 'evidence.link',
          entityType: 'evidence',
          entityId: row.id,
          after: row,
        });
        const [record] = await listEvidenceRecords(tx, actor.organizationId, [row.id]);
        return toEvidenceView(record!);
      });
    },

    /** The evidence named, in that order; refused as a whole when one of them is not the actor's to see. */
    async list(actor: Actor, ids: readonly string[]): Promise<EvidenceView[]> {
      return (await assertEvidenceUsable(db, actor, ids)).map(toEvidenceView);
    },

    /** A file's bytes, as a stream straight from the store, and how to serve them. */
    async content(
      actor: Actor,
      id: string,
    ): Promise<{ fileName: string; mediaType: string; body: Readable; sizeBytes: number }> {
      const record = await readable(actor, id);
      if (record.kind !== 'file' || !record.sha256 || !record.mediaType)
        throw new AppError('evidence.not_found');
      const file = await reachStore(() => store.open(record.organizationId, record.sha256!));
      if (!file)
        throw new Error(`evidence ${record.id}: blob ${record.sha256} missing from the store`);
      return { fileName: record.title, mediaType: record.mediaType, ...file };
    },
  };
}

export type EvidenceService = ReturnType<typeof createEvidenceService>;
