CREATE TABLE "conduct_report_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"organization_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"outcome" text,
	"sealed_text" text,
	"actor_user_id" uuid,
	"actor_name" text,
	"due_at" timestamp with time zone,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conduct_report_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	"event_id" uuid,
	"media_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sealed_name" text NOT NULL,
	"sealed_bytes" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conduct_report_keys" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"sealed_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conduct_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"receipt_hash" text NOT NULL,
	"sealed_content" text NOT NULL,
	"state" text DEFAULT 'received' NOT NULL,
	"outcome" text,
	"stage_entered_at" timestamp with time zone NOT NULL,
	"stage_due_at" timestamp with time zone,
	"received_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"handled_on_time" boolean,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "conduct_reports_receipt_hash_unique" UNIQUE("receipt_hash")
);
--> statement-breakpoint
ALTER TABLE "conduct_report_events" ADD CONSTRAINT "conduct_report_events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conduct_report_events" ADD CONSTRAINT "conduct_report_events_report_id_conduct_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."conduct_reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conduct_report_files" ADD CONSTRAINT "conduct_report_files_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conduct_report_files" ADD CONSTRAINT "conduct_report_files_report_id_conduct_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."conduct_reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conduct_report_files" ADD CONSTRAINT "conduct_report_files_event_id_conduct_report_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."conduct_report_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conduct_report_keys" ADD CONSTRAINT "conduct_report_keys_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conduct_reports" ADD CONSTRAINT "conduct_reports_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conduct_report_events_report_idx" ON "conduct_report_events" USING btree ("report_id","at");--> statement-breakpoint
CREATE INDEX "conduct_report_files_report_idx" ON "conduct_report_files" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "conduct_reports_organization_idx" ON "conduct_reports" USING btree ("organization_id","received_at");