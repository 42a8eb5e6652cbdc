import type { AuditFilter, AuditPage, AuditQuery } from '../../../shared/api/audit';
import { describeAuditAction } from '../../../shared/audit/audit-actions';
import { localDateTime } from '../../../shared/dates';
import { AppError } from '../../../shared/errors';
import { maskContactsDeep } from '../../../shared/personal-data';
import type { Clock } from '../../clock';
import type { Database, Executor } from '../../db/client';
import type { AuditSheetRow } from '../../io/audit-log-writer';
import { systemActor, type Actor } from '../auth/actor';
import type { ViewCache } from '../data-versions/view-cache';
import {
  countAuditEntries,
  deleteAuditEntriesBefore,
  insertAuditEntry,
  listAuditEntries,
  listAuditEntriesBefore,
  readAuditCount,
  type AuditConditions,
} from './audit.repository';
import type { AuditEntry } from './audit.table';

export interface AuditEvent {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * The actors (one per request) on whose behalf something was recorded: a successful write whose
 * actor is not here gets a generic entry from the response hook (audit.hooks.ts), so that no write
 * goes unrecorded even when its service forgot to.
 */
export const auditedActors = new WeakSet<Actor>();

/** Records one write. Call it inside the write's transaction, so that both happen or neither. */
export async function recordAudit(
  executor: Executor,
  clock: Clock,
  actor: Actor,
  event: AuditEvent,
): Promise<void> {
  auditedActors.add(actor);
  await insertAuditEntry(executor, {
    organizationId: actor.organizationId,
    actorUserId: actor.userId,
    actorName: actor.username,
    action: event.action,
    entityType: event.entityType,
    entityId: event.entityId ?? null,
    ip: actor.ip,
    userAgent: actor.userAgent,
    before: event.before === undefined ? null : event.before,
    after: event.after === undefined ? null : event.after,
    at: clock.now(),
  });
}

/** At most this many entries in one export; above it the auditor narrows the filters. */
export const AUDIT_EXPORT_LIMIT = 100_000;
const EXPORT_BATCH = 2_000;
/** Entries deleted per statement, and statements per run: one run of the daily purge stays bounded. */
const PURGE_BATCH = 5_000;
const PURGE_BATCHES_PER_RUN = 20;

const DAY_MS = 86_400_000;
/** The instant a Beijing calendar day starts. */
const beijingDayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);

function conditionsOf(actor: Actor, filter: AuditFilter): AuditConditions {
  if (filter.from && filter.to && filter.from > filter.to)
    throw new AppError('audit.invalid_range');
  return {
    organizationId: actor.organizationId,
    ...(filter.from ? { fromInclusive: beijingDayStart(filter.from) } : {}),
    ...(filter.to ? { toExclusive: new Date(beijingDayStart(filter.to).getTime() + DAY_MS) } : {}),
    ...(filter.actor ? { actor: filter.actor } : {}),
    ...(filter.actorUserId ? { actorUserId: filter.actorUserId } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.entityType ? { entityType: filter.entityType } : {}),
    ...(filter.entityId ? { entityId: filter.entityId } : {}),
    ...(filter.ip ? { ip: filter.ip } : {}),
    ...(filter.q ? { q: filter.q } : {}),
  };
}

/** An entry as the auditor reads it: phones and e-mails in before/after masked (personal-data.ts). */
function viewOf(actor: Actor, row: AuditEntry) {
  return {
    id: row.id,
    actorUserId: row.actorUserId,
    actorName: row.actorName,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    ip: row.ip,
    userAgent: row.userAgent,
    before: maskContactsDeep(actor.role, 'auditEntry', row.before),
    after: maskContactsDeep(actor.role, 'auditEntry', row.after),
    at: row.at.toISOString(),
  };
}

const json = (value: unknown) =>
  value === null || value === undefined ? '' : JSON.stringify(value);

/** What the export's title says of the filters. */
function describeFilter(filter: AuditFilter): string {
  const parts = [
    filter.from || filter.to ? `日期 ${filter.from ?? '…'} 至 ${filter.to ?? '…'}` : null,
    filter.actor ? `操作人含“${filter.actor}”` : null,
    filter.actorUserId ? `操作人编号 ${filter.actorUserId}` : null,
    filter.action ? `操作 ${filter.action}` : null,
    filter.entityType ? `对象类型 ${filter.entityType}` : null,
    filter.entityId ? `对象编号 ${filter.entityId}` : null,
    filter.ip ? `IP ${filter.ip}` : null,
    filter.q ? `关键词“${filter.q}”` : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('；') : '全部';
}

export function createAuditService({
  db,
  clock,
  views,
}: {
  db: Database;
  clock: Clock;
  /** Keeps the unfiltered pages until the log changes (absent: every read computes). */
  views?: ViewCache;
}) {
  const pageOf = async (actor: Actor, conditions: AuditConditions, query: AuditQuery) =>
    (
      await listAuditEntries(db, conditions, {
        offset: (query.page - 1) * query.pageSize,
        limit: query.pageSize,
      })
    ).map((row) => viewOf(actor, row));

  return {
    /**
     * One page of the organization's audit log, newest first, with how many entries match in all.
     * Without filters (the page the auditor opens), the total is the count the database keeps
     * (audit_log_counts) and the page is kept until the log's next change, read under that
     * count's version; a filtered search counts what it finds.
     */
    async search(actor: Actor, query: AuditQuery): Promise<AuditPage> {
      const conditions = conditionsOf(actor, query);
      const filtered = Object.keys(conditions).some((key) => key !== 'organizationId');
      if (!filtered && views) {
        const counted = await readAuditCount(db, actor.organizationId);
        return views.readVersioned(
          actor.organizationId,
          `audit.page/${actor.role}/${query.page}/${query.pageSize}`,
          String(counted.version),
          async () => ({
            entries: await pageOf(actor, conditions, query),
            total: counted.entries,
            page: query.page,
            pageSize: query.pageSize,
          }),
        );
      }
      const [total, entries] = await Promise.all([
        filtered
          ? countAuditEntries(db, conditions)
          : readAuditCount(db, actor.organizationId).then((counted) => counted.entries),
        pageOf(actor, conditions, query),
      ]);
      return { entries, total, page: query.page, pageSize: query.pageSize };
    },

    /** The entries the filters find as .xlsx (newest first), refused above AUDIT_EXPORT_LIMIT. */
    async exportXlsx(
      actor: Actor,
      filter: AuditFilter,
    ): Promise<{ fileName: string; bytes: Buffer; rows: number }> {
      const conditions = conditionsOf(actor, filter);
      const total = await countAuditEntries(db, conditions);
      if (total > AUDIT_EXPORT_LIMIT)
        throw new AppError('audit.export_too_large', { count: total, limit: AUDIT_EXPORT_LIMIT });
      async function* batches(): AsyncGenerator<AuditSheetRow[]> {
        let beforeId: number | null = null;
        let left = total;
        while (left > 0) {
          const rows = await listAuditEntriesBefore(
            db,
            conditions,
            beforeId,
            Math.min(EXPORT_BATCH, left),
          );
          if (rows.length === 0) return;
          left -= rows.length;
          beforeId = rows.at(-1)!.id;
          yield rows.map((row) => {
            const view = viewOf(actor, row);
            return {
              id: view.id,
              at: localDateTime(row.at),
              actor: view.actorName ?? '',
              action: view.action,
              actionLabel: describeAuditAction(view.action),
              entityType: view.entityType,
              entityId: view.entityId ?? '',
              ip: view.ip ?? '',
              userAgent: view.userAgent ?? '',
              before: json(view.before),
              after: json(view.after),
            };
          });
        }
      }
      const exportedAt = localDateTime(clock.now());
      // Imported when the first export asks: the server's main thread need not load exceljs before.
      const { writeAuditLogXlsx } = await import('../../io/audit-log-writer');
      const bytes = await writeAuditLogXlsx(
        `审计日志（${describeFilter(filter)}；共 ${total} 条；导出于 ${exportedAt}，北京时间）`,
        batches(),
      );
      return { fileName: `审计日志-${exportedAt.slice(0, 10)}.xlsx`, bytes, rows: total };
    },

    /**
     * Deletes the organization's entries older than `retentionDays` by the clock, in bounded
     * batches; the database itself refuses any row it recorded less than 180 days ago.
     */
    async purge(
      organizationId: string,
      retentionDays: number,
    ): Promise<{ deleted: number; more: boolean }> {
      const cutoff = new Date(clock.now().getTime() - retentionDays * DAY_MS);
      let deleted = 0;
      for (let batch = 0; batch < PURGE_BATCHES_PER_RUN; batch++) {
        const count = await deleteAuditEntriesBefore(db, organizationId, cutoff, PURGE_BATCH);
        deleted += count;
        if (count < PURGE_BATCH) break;
      }
      const more = deleted === PURGE_BATCH * PURGE_BATCHES_PER_RUN;
      if (deleted > 0) {
        await recordAudit(db, clock, systemActor(organizationId), {
          action: 'audit.purge',
          entityType: 'audit_log',
          after: { deleted, before: cutoff.toISOString(), retentionDays, more },
        });
      }
      return { deleted, more };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
