-- Every committed write of an organization's records sets its data version to the writing
-- transaction's id: cached views (src/server/modules/data-versions/view-cache.ts) are keyed by it.
-- A transaction id is never used twice and never comes back, even after a restore into the same
-- server, so one version names one state of the records. A deferred constraint trigger runs at
-- commit, so the row lock on the counter is held only while the transaction commits (no deadlock
-- between writers holding each other's rows), and a rolled-back write sets nothing.
-- Transaction-local settings make it one write per transaction and counter, not per row.
-- A department's own records (its measures, breakdown, progress reports, evidence) move its
-- department version and not the organization's shared version; every other write moves the shared one.
CREATE FUNCTION luoshi_raise_data_version_of(organization uuid, department uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  written bigint := pg_current_xact_id()::text::bigint;
  any_flag text := 'luoshi.data_version_' || replace(organization::text, '-', '');
  shared_flag text := 'luoshi.shared_version_' || replace(organization::text, '-', '');
  department_flag text := 'luoshi.department_version_' || replace(department::text, '-', '');
  shared boolean := department IS NULL;
BEGIN
  IF organization IS NULL THEN
    RETURN;
  END IF;
  IF current_setting(any_flag, true) IS DISTINCT FROM '1'
     OR (shared AND current_setting(shared_flag, true) IS DISTINCT FROM '1') THEN
    INSERT INTO organization_data_versions AS counter (organization_id, version, shared_version)
    VALUES (organization, written, written)
    ON CONFLICT (organization_id) DO UPDATE SET
      version = excluded.version,
      shared_version = CASE WHEN shared THEN excluded.shared_version ELSE counter.shared_version END;
    PERFORM set_config(any_flag, '1', true);
    IF shared THEN
      PERFORM set_config(shared_flag, '1', true);
    END IF;
  END IF;
  IF NOT shared AND current_setting(department_flag, true) IS DISTINCT FROM '1' THEN
    INSERT INTO department_data_versions AS counter (organization_id, department_id, version)
    VALUES (organization, department, written)
    ON CONFLICT (organization_id, department_id) DO UPDATE SET version = excluded.version;
    PERFORM set_config(department_flag, '1', true);
  END IF;
END $$;--> statement-breakpoint
CREATE FUNCTION luoshi_raise_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM luoshi_raise_data_version_of(OLD.organization_id, NULL);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM luoshi_raise_data_version_of(NEW.organization_id, NULL);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION luoshi_raise_department_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM luoshi_raise_data_version_of(OLD.organization_id, OLD.department_id);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM luoshi_raise_data_version_of(NEW.organization_id, NEW.department_id);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
-- Every table that carries an organization's id, but those no cached view reads and that change
-- on every sign-in or job run (sessions, the audit log, jobs, notifications and their deliveries,
-- sign-in attempts, the province's snapshots). test/db/data-version.test.ts keeps later tables honest.
DO $$
DECLARE
  target text;
BEGIN
  FOR target IN
    SELECT columns.table_name
    FROM information_schema.columns AS columns
    JOIN information_schema.tables AS tables USING (table_schema, table_name)
    WHERE columns.table_schema = current_schema()
      AND columns.column_name = 'organization_id'
      AND tables.table_type = 'BASE TABLE'
      AND columns.table_name NOT IN (
        'organization_data_versions', 'department_data_versions', 'sessions', 'sign_in_failures',
        'audit_log', 'jobs', 'notifications', 'messages', 'message_deliveries', 'sso_attempts',
        'sso_test_sign_ins', 'institution_snapshots'
      )
  LOOP
    EXECUTE format(
      'CREATE CONSTRAINT TRIGGER raise_data_version AFTER INSERT OR UPDATE OR DELETE ON %I '
      'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION %I()',
      target,
      CASE WHEN target IN ('measures', 'submissions', 'progress_reports', 'evidence')
        THEN 'luoshi_raise_department_data_version' ELSE 'luoshi_raise_data_version' END
    );
  END LOOP;
END $$;
