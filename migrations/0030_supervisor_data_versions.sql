-- Written by hand. A supervising organization's overview of its institutions is kept (view-cache.ts)
-- under the supervisor's data version: a committed change of one of its institutions' snapshots,
-- or of an organization (a name, an institution added, moved or removed), raises the version of
-- the supervisor and of the organization itself, once per transaction (as in 0026).
CREATE FUNCTION luoshi_raise_supervisor_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM luoshi_raise_data_version_of(OLD.supervisor_id, NULL);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM luoshi_raise_data_version_of(NEW.supervisor_id, NULL);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION luoshi_raise_organization_data_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM luoshi_raise_data_version_of(OLD.supervisor_id, NULL);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM luoshi_raise_data_version_of(NEW.id, NULL);
    PERFORM luoshi_raise_data_version_of(NEW.supervisor_id, NULL);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER raise_supervisor_data_version AFTER INSERT OR UPDATE OR DELETE ON institution_snapshots
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION luoshi_raise_supervisor_data_version();--> statement-breakpoint
-- Not deferred, unlike the others: organizations change rarely (an administrator's act), and a
-- pending deferred event on `organizations` would make a later migration that updates its rows
-- and then alters the table in the same transaction fail ("pending trigger events").
CREATE TRIGGER raise_organization_data_versions AFTER INSERT OR UPDATE OR DELETE ON organizations
  FOR EACH ROW EXECUTE FUNCTION luoshi_raise_organization_data_versions();
