ALTER TABLE "department_data_versions" ADD COLUMN "breakdown_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Written by hand from here. A department's breakdown (its measures and submission) gets a version
-- of its own beside the department's (0026): the views of the breakdown read none of its progress
-- reports or evidence, so they stay valid while the department reports its progress. Set by the
-- same deferred trigger, once per transaction and counter.
CREATE FUNCTION luoshi_raise_data_version_of(organization uuid, department uuid, breakdown boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  written bigint := pg_current_xact_id()::text::bigint;
  any_flag text := 'luoshi.data_version_' || replace(organization::text, '-', '');
  shared_flag text := 'luoshi.shared_version_' || replace(organization::text, '-', '');
  department_flag text := 'luoshi.department_version_' || replace(department::text, '-', '');
  breakdown_flag text := 'luoshi.breakdown_version_' || replace(department::text, '-', '');
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
  IF NOT shared AND (current_setting(department_flag, true) IS DISTINCT FROM '1'
     OR (breakdown AND current_setting(breakdown_flag, true) IS DISTINCT FROM '1')) THEN
    INSERT INTO department_data_versions AS counter (organization_id, department_id, version, breakdown_version)
    VALUES (organization, department, written, CASE WHEN breakdown THEN written ELSE 0 END)
    ON CONFLICT (organization_id, department_id) DO UPDATE SET
      version = excluded.version,
      breakdown_version = CASE WHEN breakdown THEN excluded.breakdown_version ELSE counter.breakdown_version END;
    PERFORM set_config(department_flag, '1', true);
    IF breakdown THEN
      PERFORM set_config(breakdown_flag, '1', true);
    END IF;
  END IF;
END $$;--> statement-breakpoint
-- The two-argument form, which the shared tables' triggers call (0026, 0030): never a breakdown.
CREATE OR REPLACE FUNCTION luoshi_raise_data_version_of(organization uuid, department uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM luoshi_raise_data_version_of(organization, department, false);
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION luoshi_raise_department_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  breakdown boolean := TG_TABLE_NAME IN ('measures', 'submissions');
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM luoshi_raise_data_version_of(OLD.organization_id, OLD.department_id, breakdown);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM luoshi_raise_data_version_of(NEW.organization_id, NEW.department_id, breakdown);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- An evidence file's bytes (content-addressed, inserted once and never changed) are read only
-- through the evidence row that cites them, inserted in the same transaction (its foreign key),
-- which raises its department's version: the blob's own trigger raised the shared version, and
-- with it every view of the institution, at every upload.
DROP TRIGGER raise_data_version ON evidence_blobs;
