CREATE TABLE "supervision_escalations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"subject_key" text NOT NULL,
	"department_id" uuid NOT NULL,
	"day" date NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supervision_notice_counters" (
	"organization_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"last_number" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supervision_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"number" integer NOT NULL,
	"department_id" uuid NOT NULL,
	"department_name" text NOT NULL,
	"items" jsonb NOT NULL,
	"answer_due_on" date NOT NULL,
	"note" text,
	"issued_on" date NOT NULL,
	"issued_by_user_id" uuid NOT NULL,
	"issued_by_name" text NOT NULL,
	"answered" boolean DEFAULT false NOT NULL,
	"answer_text" text,
	"answer_evidence_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"answered_by_name" text,
	"answered_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "supervision_settings" ADD COLUMN "yellow_days" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "supervision_settings" ADD COLUMN "orange_days" integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE "supervision_settings" ADD COLUMN "red_days" integer DEFAULT 15 NOT NULL;--> statement-breakpoint
ALTER TABLE "supervision_escalations" ADD CONSTRAINT "supervision_escalations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_notice_counters" ADD CONSTRAINT "supervision_notice_counters_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_notices" ADD CONSTRAINT "supervision_notices_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_notices" ADD CONSTRAINT "supervision_notices_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "supervision_escalations_subject_unique" ON "supervision_escalations" USING btree ("organization_id","subject_key");--> statement-breakpoint
CREATE UNIQUE INDEX "supervision_notice_counters_unique" ON "supervision_notice_counters" USING btree ("organization_id","year");--> statement-breakpoint
CREATE UNIQUE INDEX "supervision_notices_number_unique" ON "supervision_notices" USING btree ("organization_id","year","number");--> statement-breakpoint
CREATE INDEX "supervision_notices_department_idx" ON "supervision_notices" USING btree ("organization_id","department_id");--> statement-breakpoint
ALTER TABLE "supervision_settings" ADD CONSTRAINT "supervision_settings_warning_days" CHECK ("supervision_settings"."yellow_days" >= 1 and "supervision_settings"."yellow_days" < "supervision_settings"."orange_days" and "supervision_settings"."orange_days" < "supervision_settings"."red_days" and "supervision_settings"."red_days" <= 366);