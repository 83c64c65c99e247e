CREATE TABLE "inbound_channels" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"secret" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbound_channels_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "inbound_messages" (
	"tenant_id" uuid NOT NULL,
	"channel_id" uuid NOT NULL,
	"external_message_id" text NOT NULL,
	"ticket_id" uuid NOT NULL,
	"message_id" uuid,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbound_messages_tenant_id_channel_id_external_message_id_pk" PRIMARY KEY("tenant_id","channel_id","external_message_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_channels_key_uq" ON "inbound_channels" USING btree ("tenant_id","key");--> statement-breakpoint
CREATE INDEX "inbound_messages_ticket_idx" ON "inbound_messages" USING btree ("tenant_id","ticket_id");