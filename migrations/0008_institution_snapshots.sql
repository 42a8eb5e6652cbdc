CREATE TABLE "institution_snapshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"supervisor_id" uuid,
	"plan_id" uuid NOT NULL,
	"plan_title" text NOT NULL,
	"cycle_year" integer NOT NULL,
	"current" boolean NOT NULL,
	"items" integer NOT NULL,
	"items_with_approved_measure" integer NOT NULL,
	"measures" integer NOT NULL,
	"measures_done" integer NOT NULL,
	"late_measures" integer NOT NULL,
	"missing_reports" integer NOT NULL,
	"late_reports" integer NOT NULL,
	"late_breakdowns" integer NOT NULL,
	"late_total" integer NOT NULL,
	"departments_submitted" integer NOT NULL,
	"departments_total" integer NOT NULL,
	"self_assessments_rated" integer NOT NULL,
	"self_assessments_expected" integer NOT NULL,
	"ratings" jsonb NOT NULL,
	"unrated" integer NOT NULL,
	"findings_total" integer NOT NULL,
	"findings_open" integer NOT NULL,
	"findings_overdue" integer NOT NULL,
	"findings_verified" integer NOT NULL,
	"findings_carried_over" integer NOT NULL,
	"by_level1" jsonb NOT NULL,
	"late" jsonb NOT NULL,
	"findings" jsonb NOT NULL,
	"audit_watermark" timestamp with time zone,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "institution_snapshots" ADD CONSTRAINT "institution_snapshots_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "institution_snapshots" ADD CONSTRAINT "institution_snapshots_supervisor_id_organizations_id_fk" FOREIGN KEY ("supervisor_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "institution_snapshots" ADD CONSTRAINT "institution_snapshots_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "institution_snapshots_organization_plan_unique" ON "institution_snapshots" USING btree ("organization_id","plan_id");--> statement-breakpoint
CREATE INDEX "institution_snapshots_supervisor_idx" ON "institution_snapshots" USING btree ("supervisor_id","current");