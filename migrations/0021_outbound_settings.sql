CREATE TABLE "outbound_settings" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"wecom_webhook_url" text,
	"dingtalk_webhook_url" text,
	"dingtalk_secret" text,
	"allow" text[] DEFAULT '{}'::text[] NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbound_settings" ADD CONSTRAINT "outbound_settings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;