CREATE TABLE "audit_log_counts" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"entries" bigint NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
-- Written by hand after the generated statement. Each organization's count of its audit log and
-- the id of the last transaction that changed it, set by PostgreSQL itself. What a statement
-- inserts is added, per organization, to a transaction-local sum (no lock); a deferred row trigger
-- adds that sum to the counter at commit and empties it, so the counter's row lock is held only
-- while committing, once per transaction however many entries it wrote, and a rolled-back write
-- (or savepoint) counts nothing. What a statement deletes (the daily purge) is subtracted at once.
-- Entries of no organization (the sign-ins of unknown names) are counted for none. A restore loads
-- the counts with the log, its triggers disabled.
CREATE FUNCTION luoshi_sum_audit_entries() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added record;
  pending text;
BEGIN
  FOR added IN
    SELECT organization_id, count(*) AS entries FROM inserted_entries
    WHERE organization_id IS NOT NULL GROUP BY organization_id
  LOOP
    pending := 'luoshi.audit_pending_' || replace(added.organization_id::text, '-', '');
    PERFORM set_config(
      pending, (coalesce(nullif(current_setting(pending, true), ''), '0')::bigint + added.entries)::text, true
    );
  END LOOP;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION luoshi_count_audit_entries() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pending text;
  pending_entries bigint;
BEGIN
  IF NEW.organization_id IS NULL THEN
    RETURN NULL;
  END IF;
  pending := 'luoshi.audit_pending_' || replace(NEW.organization_id::text, '-', '');
  pending_entries := coalesce(nullif(current_setting(pending, true), ''), '0')::bigint;
  IF pending_entries > 0 THEN
    INSERT INTO audit_log_counts AS counter (organization_id, entries, version)
    VALUES (NEW.organization_id, pending_entries, pg_current_xact_id()::text::bigint)
    ON CONFLICT (organization_id) DO UPDATE SET
      entries = counter.entries + excluded.entries,
      version = excluded.version;
    PERFORM set_config(pending, '0', true);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION luoshi_uncount_audit_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE audit_log_counts AS counter SET
    entries = counter.entries - gone.entries,
    version = pg_current_xact_id()::text::bigint
  FROM (
    SELECT organization_id, count(*) AS entries FROM deleted_entries
    WHERE organization_id IS NOT NULL GROUP BY organization_id
  ) AS gone
  WHERE counter.organization_id = gone.organization_id;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER sum_audit_entries AFTER INSERT ON audit_log
  REFERENCING NEW TABLE AS inserted_entries FOR EACH STATEMENT EXECUTE FUNCTION luoshi_sum_audit_entries();--> statement-breakpoint
CREATE CONSTRAINT TRIGGER count_audit_entries AFTER INSERT ON audit_log
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION luoshi_count_audit_entries();--> statement-breakpoint
CREATE TRIGGER uncount_audit_entries AFTER DELETE ON audit_log
  REFERENCING OLD TABLE AS deleted_entries FOR EACH STATEMENT EXECUTE FUNCTION luoshi_uncount_audit_entries();--> statement-breakpoint
INSERT INTO audit_log_counts (organization_id, entries, version)
SELECT organization_id, count(*), 0 FROM audit_log WHERE organization_id IS NOT NULL GROUP BY organization_id;
