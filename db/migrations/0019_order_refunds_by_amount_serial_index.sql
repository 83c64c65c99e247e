ALTER TABLE "order_items" ADD COLUMN "refunded_fen" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "order_items_serials_idx" ON "order_items" USING gin ("tenant_id","serial_numbers");