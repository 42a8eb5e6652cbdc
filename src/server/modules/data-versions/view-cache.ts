import { calendarDate } from '../../../shared/dates';
import type { Clock } from '../../clock';
import { markSharedView } from '../../http/shared-view-serializer';
import type { Database } from '../../db/client';
import {
  type DepartmentRecords,
  readDataVersion,
  readDepartmentVersions,
} from './data-version.repository';

/**
 * Views kept at once in one process: a university's ledger is one slice per department (80 at S)
 * plus the whole and its pages, which share the slices' rows.
 */
const DEFAULT_MAX_VIEWS = 512;

/**
 * How long after a write the views read with `warm` are computed again: writes within it make
 * one computation (at 300 people, 15 a second).
 */
const DEFAULT_WARM_DELAY_MS = 500;

interface Kept {
  version: string;
  value: Promise<unknown>;
}

/**
 * Computed views reused until the organization's next write: a read costs one indexed query (the
 * data version) instead of the view's whole gathering. The key holds the calendar day, because
 * lateness changes at midnight without a write. The version is read before the view is computed,
 * so a kept view is never older than its version; a write committed meanwhile changes the version
 * and the next read computes again. Concurrent reads of a missing view share one computation.
 * Each process keeps its own views; the version lives in PostgreSQL, so processes agree.
 * Kept values are shared between requests: callers must not change what they get, and a reply of
 * one is serialized once per route (http/shared-view-serializer.ts).
 *
 * A view read with `warm` (one assembled from per-department slices, read by the office while
 * departments write) is computed again in the background `warmDelayMs` after a write of its
 * organization in this process (`written`), as long as it is kept: its next reader then finds
 * only the slices written since. Without it, the office's ledger under 300 people found some 35
 * of 80 departments' slices stale at each read (p95 133 ms); with it, p95 49 ms (npm run load).
 */
export function createViewCache({
  db,
  clock,
  maxViews = DEFAULT_MAX_VIEWS,
  warmDelayMs = DEFAULT_WARM_DELAY_MS,
}: {
  db: Database;
  clock: Clock;
  maxViews?: number;
  warmDelayMs?: number;
}) {
  // A Map iterates in insertion order: re-inserting on every hit makes the first key the least used.
  const kept = new Map<string, Kept>();
  /** Per organization, the views read with `warm`: how to read each again. */
  const warmed = new Map<string, Map<string, () => Promise<unknown>>>();
  /** Per organization, the computation a write scheduled and that has not run yet. */
  const scheduled = new Map<string, NodeJS.Timeout>();
  let closed = false;
  const keyOf = (organizationId: string, view: string) =>
    `${organizationId}|${calendarDate(clock.now())}|${view}`;

  /** Reads again every warmed view of the organization still kept; forgets the others. */
  async function warm(organizationId: string) {
    const views = warmed.get(organizationId);
    if (!views) return;
    for (const [view, readAgain] of views) {
      if (closed) return;
      if (!kept.has(keyOf(organizationId, view))) {
        views.delete(view);
        continue;
      }
      // A failure is the next reader's to see: that read computes the view again itself.
      await readAgain().catch(() => undefined);
    }
    if (views.size === 0) warmed.delete(organizationId);
  }

  function keep(key: string, entry: Kept) {
    kept.delete(key);
    kept.set(key, entry);
    while (kept.size > maxViews) kept.delete(kept.keys().next().value!);
  }

  function readAt<T>(key: string, version: string, compute: () => Promise<T>): Promise<T> {
    const found = kept.get(key);
    if (found && found.version === version) {
      keep(key, found);
      return found.value as Promise<T>;
    }
    const value = compute().then(markSharedView);
    keep(key, { version, value });
    value.catch(() => {
      if (kept.get(key)?.value === value) kept.delete(key);
    });
    return value;
  }

  return {
    /**
     * `view` names the view and its parameters; the organization and the day are added here.
     * `departmentId`: the view reads only that department's own records of the department-owned
     * tables (measures, breakdown, progress reports, evidence), so other departments' writes of
     * theirs leave it valid; `records: 'breakdown'`: of those only its measures and submission,
     * so its progress reports and evidence leave it valid too.
     */
    async read<T>(
      organizationId: string,
      view: string,
      compute: () => Promise<T>,
      {
        departmentId,
        records,
        warm,
      }: {
        departmentId?: string;
        records?: DepartmentRecords;
        /** Computed again after each write of the organization, before it is next read (above). */
        warm?: boolean;
      } = {},
    ): Promise<T> {
      const read = async () =>
        readAt(
          keyOf(organizationId, view),
          await readDataVersion(db, organizationId, departmentId, records),
          compute,
        );
      if (warm && warmDelayMs > 0) {
        let views = warmed.get(organizationId);
        if (!views) warmed.set(organizationId, (views = new Map()));
        views.set(view, read);
      }
      return read();
    },

    /**
     * A write of the organization's records has committed (in this process): its warmed views
     * are read again after `warmDelayMs`, once for all the writes meanwhile.
     */
    written(organizationId: string): void {
      if (closed || scheduled.has(organizationId) || !warmed.has(organizationId)) return;
      const timer = setTimeout(() => {
        scheduled.delete(organizationId);
        void warm(organizationId);
      }, warmDelayMs);
      // Never what keeps the process (or a test) alive.
      timer.unref();
      scheduled.set(organizationId, timer);
    },

    /** No more background computations (the app is closing). */
    close(): void {
      closed = true;
      for (const timer of scheduled.values()) clearTimeout(timer);
      scheduled.clear();
      warmed.clear();
    },

    /**
     * One view per department (each as `read` with its `departmentId` would keep it), with every
     * department's version read in one query, and the missing ones computed together by one call
     * (`compute` returns a view for each department it is given): a view of the whole organization
     * assembled from them recomputes only the departments that wrote.
     */
    async readPerDepartment<T>(
      organizationId: string,
      view: string,
      departmentIds: readonly string[],
      compute: (missing: string[]) => Promise<Map<string, T>>,
    ): Promise<T[]> {
      const versions = await readDepartmentVersions(db, organizationId);
      const day = calendarDate(clock.now());
      const wanted = departmentIds.map((departmentId) => ({
        departmentId,
        key: `${organizationId}|${day}|${view}/${departmentId}`,
        version: `${versions.shared}/${versions.departments.get(departmentId) ?? 0}`,
      }));
      const missing = wanted.filter(({ key, version }) => kept.get(key)?.version !== version);
      const computed =
        missing.length > 0 ? compute(missing.map(({ departmentId }) => departmentId)) : null;
      return Promise.all(
        wanted.map(({ departmentId, key, version }) =>
          readAt(key, version, async () => {
            const views = await computed!;
            if (!views.has(departmentId)) throw new Error(`no view of department ${departmentId}`);
            return views.get(departmentId) as T;
          }),
        ),
      );
    },

    /**
     * A view whose records the data version does not follow (the audit log's pages), kept under
     * the version its caller read, with that same care: read the version before computing.
     */
    readVersioned<T>(
      organizationId: string,
      view: string,
      version: string,
      compute: () => Promise<T>,
    ): Promise<T> {
      return readAt(keyOf(organizationId, view), version, compute);
    },

    /** How many views are kept (for tests and the bench). */
    get size() {
      return kept.size;
    },
  };
}

export type ViewCache = ReturnType<typeof createViewCache>;
