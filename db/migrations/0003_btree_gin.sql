-- GIN indexes that lead with tenant_id (full-text search per tenant) need btree_gin for the uuid column.
CREATE EXTENSION IF NOT EXISTS btree_gin;
