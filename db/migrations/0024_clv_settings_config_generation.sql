-- The CLV assumptions join the settings that processes cache per settings generation (migration 0022): the
-- customer 360 page read them on every request. The same trigger bumps the tenant's generation on every
-- write, so an admin's save, a script or a direct UPDATE is seen on the very next read.
-- Dropped first so that running this again (a restored dump that already has the trigger) does not fail.
DROP TRIGGER IF EXISTS clv_settings_config_generation ON clv_settings;
--> statement-breakpoint
CREATE TRIGGER clv_settings_config_generation AFTER INSERT OR UPDATE OR DELETE ON clv_settings FOR EACH ROW EXECUTE FUNCTION bump_config_generation();
