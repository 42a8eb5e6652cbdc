-- The audit log stays append-only, but is kept for a bounded time (等保 2.0 asks for at least
-- 180 days). UPDATE and TRUNCATE are refused as before. DELETE is allowed only of a row the
-- database itself recorded more than 180 days ago: `recorded_at` is set by the database on
-- insert (the application's tables do not even name it), so neither an application bug nor a
-- wrong clock nor a setting can shorten the retention. The daily job `audit.purge` deletes what
-- is older than LUOSHI_AUDIT_RETENTION_DAYS (at least 180, default 365).
-- Rows already there count as recorded now: they are kept at least 180 days from this migration.
ALTER TABLE audit_log ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now();
--> statement-breakpoint
CREATE INDEX audit_log_recorded_at_idx ON audit_log (recorded_at);
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.recorded_at < now() - interval '180 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed (only rows recorded more than 180 days ago may be deleted)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
