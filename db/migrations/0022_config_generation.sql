-- A per-tenant generation of the settings that every ticket create reads (custom field definitions, SLA
-- policies, business calendars and their days, customer tiers). Processes cache those settings and compare
-- the generation, read in a statement the create runs anyway; a trigger (rather than each service) bumps it,
-- so that no writer, not even a script or an import writing the tables directly, can leave a cache stale.
-- Values come from a sequence, not value + 1: a sequence never hands out a number twice, even when the writing
-- transaction rolls back, so a generation names one state of the settings only.
CREATE SEQUENCE IF NOT EXISTS config_generation_seq;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION bump_config_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO counters (tenant_id, name, value)
  VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END, 'config_generation', nextval('config_generation_seq'))
  ON CONFLICT (tenant_id, name) DO UPDATE SET value = excluded.value;
  IF TG_OP = 'UPDATE' AND OLD.tenant_id IS DISTINCT FROM NEW.tenant_id THEN
    INSERT INTO counters (tenant_id, name, value) VALUES (OLD.tenant_id, 'config_generation', nextval('config_generation_seq'))
    ON CONFLICT (tenant_id, name) DO UPDATE SET value = excluded.value;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER ticket_field_defs_config_generation AFTER INSERT OR UPDATE OR DELETE ON ticket_field_defs FOR EACH ROW EXECUTE FUNCTION bump_config_generation();
--> statement-breakpoint
CREATE TRIGGER sla_policies_config_generation AFTER INSERT OR UPDATE OR DELETE ON sla_policies FOR EACH ROW EXECUTE FUNCTION bump_config_generation();
--> statement-breakpoint
CREATE TRIGGER business_calendars_config_generation AFTER INSERT OR UPDATE OR DELETE ON business_calendars FOR EACH ROW EXECUTE FUNCTION bump_config_generation();
--> statement-breakpoint
CREATE TRIGGER calendar_days_config_generation AFTER INSERT OR UPDATE OR DELETE ON calendar_days FOR EACH ROW EXECUTE FUNCTION bump_config_generation();
--> statement-breakpoint
CREATE TRIGGER tier_definitions_config_generation AFTER INSERT OR UPDATE OR DELETE ON tier_definitions FOR EACH ROW EXECUTE FUNCTION bump_config_generation();
--> statement-breakpoint
CREATE TRIGGER tier_settings_config_generation AFTER INSERT OR UPDATE OR DELETE ON tier_settings FOR EACH ROW EXECUTE FUNCTION bump_config_generation();
