CREATE TABLE "conduct_report_contact_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	"requested_by" uuid NOT NULL,
	"requester_name" text NOT NULL,
	"sealed_reason" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"approved_by" uuid,
	"approver_name" text,
	"approved_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "conduct_report_contact_requests" ADD CONSTRAINT "conduct_report_contact_requests_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conduct_report_contact_requests" ADD CONSTRAINT "conduct_report_contact_requests_report_id_conduct_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."conduct_reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conduct_report_contact_requests_report_idx" ON "conduct_report_contact_requests" USING btree ("report_id");