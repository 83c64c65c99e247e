ALTER TABLE "inbound_emails" ADD COLUMN "remote_ip" text;--> statement-breakpoint
ALTER TABLE "inbound_emails" ADD COLUMN "helo" text;--> statement-breakpoint
ALTER TABLE "inbound_emails" ADD COLUMN "auth_spf" text;--> statement-breakpoint
ALTER TABLE "inbound_emails" ADD COLUMN "auth_dkim" text;--> statement-breakpoint
ALTER TABLE "inbound_emails" ADD COLUMN "auth_dmarc" text;--> statement-breakpoint
ALTER TABLE "inbound_emails" ADD COLUMN "auth_results" text;--> statement-breakpoint
ALTER TABLE "mail_settings" ADD COLUMN "dmarc_policy" text DEFAULT 'accept' NOT NULL;--> statement-breakpoint
ALTER TABLE "mail_settings" ADD COLUMN "auto_reply_subject" text;--> statement-breakpoint
ALTER TABLE "mail_settings" ADD COLUMN "auto_reply_body" text;