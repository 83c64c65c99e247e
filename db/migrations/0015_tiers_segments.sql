CREATE TABLE "call_tasks" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"occasion_key" text NOT NULL,
	"source_type" text NOT NULL,
	"source_id" uuid NOT NULL,
	"assignee_id" uuid,
	"due_at" timestamp (3) with time zone NOT NULL,
	"script" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"outcome" text,
	"notes" text,
	"call_attempts" integer DEFAULT 0 NOT NULL,
	"ticket_id" uuid,
	"completed_at" timestamp (3) with time zone,
	"completed_by" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "call_tasks_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "campaign_messages" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"campaign_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"occasion_key" text NOT NULL,
	"channel" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"reason" text,
	"to_address" text,
	"locale" text,
	"subject" text,
	"body" text,
	"vars" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"provider_ref" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp (3) with time zone,
	"opened_at" timestamp (3) with time zone,
	"clicked_at" timestamp (3) with time zone,
	CONSTRAINT "campaign_messages_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "campaign_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"cap_messages" integer DEFAULT 4 NOT NULL,
	"cap_window_days" integer DEFAULT 30 NOT NULL,
	"daily_run_at" text DEFAULT '09:00' NOT NULL,
	"sms_gateway_url" text,
	"sms_auth" text DEFAULT 'hmac' NOT NULL,
	"sms_secret" text,
	"sms_signature" text DEFAULT '' NOT NULL,
	"link_secret" text DEFAULT md5(random()::text || clock_timestamp()::text) || md5(random()::text) NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaign_templates" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"channel" text NOT NULL,
	"bodies" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"sms_template_id" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_templates_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"channel" text NOT NULL,
	"template_id" uuid,
	"segment_id" uuid,
	"schedule" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "customer_segments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"filter" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"shared" boolean DEFAULT false NOT NULL,
	"owner_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_segments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "customer_tier_overrides" (
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"tier" text NOT NULL,
	"reason" text NOT NULL,
	"until" timestamp (3) with time zone,
	"actor_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_tier_overrides_tenant_id_customer_id_pk" PRIMARY KEY("tenant_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "tier_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"window_months" integer DEFAULT 12 NOT NULL,
	"engagement_sources" text[] DEFAULT '{"tickets"}' NOT NULL,
	"nightly" boolean DEFAULT true NOT NULL,
	"last_run" jsonb,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "call_tasks_occasion_uq" ON "call_tasks" USING btree ("tenant_id","campaign_id","customer_id","occasion_key");--> statement-breakpoint
CREATE INDEX "call_tasks_assignee_idx" ON "call_tasks" USING btree ("tenant_id","status","assignee_id","due_at");--> statement-breakpoint
CREATE INDEX "call_tasks_customer_idx" ON "call_tasks" USING btree ("tenant_id","customer_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "campaign_messages_occasion_uq" ON "campaign_messages" USING btree ("tenant_id","campaign_id","customer_id","occasion_key");--> statement-breakpoint
CREATE INDEX "campaign_messages_campaign_idx" ON "campaign_messages" USING btree ("tenant_id","campaign_id","created_at");--> statement-breakpoint
CREATE INDEX "campaign_messages_customer_idx" ON "campaign_messages" USING btree ("tenant_id","customer_id","created_at");--> statement-breakpoint
CREATE INDEX "campaign_templates_name_idx" ON "campaign_templates" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "campaigns_status_idx" ON "campaigns" USING btree ("tenant_id","status","kind");--> statement-breakpoint
CREATE INDEX "customer_segments_owner_idx" ON "customer_segments" USING btree ("tenant_id","owner_id");--> statement-breakpoint
CREATE INDEX "customer_tier_overrides_tier_idx" ON "customer_tier_overrides" USING btree ("tenant_id","tier");