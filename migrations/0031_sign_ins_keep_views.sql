-- A sign-in writes the account's last sign-in time (and the version every write of a user bumps),
-- and a campus sign-in its identity's: none of what a kept view shows but the users list, which
-- keys its views by the organization's latest sign-in itself (user.service.ts `list`). Raising
-- the organization's data version on it made every sign-in discard every view the organization
-- keeps: the ledger's 80 department slices were made again after each of 300 people signed in.
-- Every other change of these rows still raises it, at commit, as before (migration 0026).
DROP TRIGGER raise_data_version ON users;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER raise_data_version AFTER INSERT OR DELETE ON users
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION luoshi_raise_data_version();--> statement-breakpoint
CREATE CONSTRAINT TRIGGER raise_data_version_on_update AFTER UPDATE ON users
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((to_jsonb(OLD) - 'last_sign_in_at' - 'version') IS DISTINCT FROM (to_jsonb(NEW) - 'last_sign_in_at' - 'version'))
  EXECUTE FUNCTION luoshi_raise_data_version();--> statement-breakpoint
DROP TRIGGER raise_data_version ON external_identities;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER raise_data_version AFTER INSERT OR DELETE ON external_identities
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION luoshi_raise_data_version();--> statement-breakpoint
CREATE CONSTRAINT TRIGGER raise_data_version_on_update AFTER UPDATE ON external_identities
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((to_jsonb(OLD) - 'last_sign_in_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_sign_in_at'))
  EXECUTE FUNCTION luoshi_raise_data_version();
