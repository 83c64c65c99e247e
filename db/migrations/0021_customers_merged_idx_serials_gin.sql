DROP INDEX "order_items_serials_idx";--> statement-breakpoint
CREATE INDEX "customers_merged_idx" ON "customers" USING btree ("tenant_id","merged_into_id") WHERE merged_into_id is not null;--> statement-breakpoint
CREATE INDEX "order_items_serials_idx" ON "order_items" USING gin ("serial_numbers");