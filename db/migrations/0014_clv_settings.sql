CREATE TABLE "clv_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"expected_lifetime_years" double precision NOT NULL,
	"margin_rate" double precision NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
