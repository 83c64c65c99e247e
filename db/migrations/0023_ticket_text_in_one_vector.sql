-- A ticket's search vector takes its messages' text too (weight C), so a search is one index scan.
-- ticket_text_cat appends a vector unless the result would come near PostgreSQL's 1 MB tsvector limit:
-- a very long conversation stays searchable by its earlier messages instead of failing on the next one.
CREATE OR REPLACE FUNCTION ticket_text_cat(a tsvector, b tsvector) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN b IS NULL THEN a WHEN a IS NULL THEN b WHEN pg_column_size(a) + pg_column_size(b) > 262144 THEN a ELSE a || b END $$;--> statement-breakpoint
CREATE AGGREGATE ticket_text_agg(tsvector) (SFUNC = ticket_text_cat, STYPE = tsvector);--> statement-breakpoint
UPDATE "tickets" t SET "search_vector" = ticket_text_cat(t."search_vector", m.v)
  FROM (SELECT "tenant_id", "ticket_id", ticket_text_agg(setweight("search_vector", 'C') ORDER BY "created_at", "id") AS v
          FROM "ticket_messages" WHERE "search_vector" IS NOT NULL AND "kind" IN ('public', 'note') GROUP BY "tenant_id", "ticket_id") m
  WHERE t."tenant_id" = m."tenant_id" AND t."id" = m."ticket_id";--> statement-breakpoint
DROP INDEX "ticket_messages_search_idx";--> statement-breakpoint
ALTER TABLE "ticket_messages" DROP COLUMN "search_vector";
