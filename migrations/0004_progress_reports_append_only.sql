-- A progress report, once submitted, is changed only by submitting a new version: the database
-- itself refuses to rewrite or erase a version, so the history shown is the history there was.
-- The one change allowed is the department it belongs to, when two departments are merged.
CREATE FUNCTION progress_reports_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'department_id') = (to_jsonb(OLD) - 'department_id') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'progress_reports is append-only: % is not allowed; submit a new version', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER progress_reports_no_change
  BEFORE UPDATE OR DELETE ON progress_reports
  FOR EACH ROW EXECUTE FUNCTION progress_reports_refuse_change();
