CREATE TABLE "roster_settings" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"young_age_limit" integer DEFAULT 40 NOT NULL,
	"result_threshold" integer DEFAULT 5 NOT NULL,
	"contract_years" integer DEFAULT 3 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "teachers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"work_no" text NOT NULL,
	"name" text NOT NULL,
	"department_id" uuid,
	"department_name" text,
	"birth_date" date,
	"age_band" text,
	"returned_overseas" boolean DEFAULT false NOT NULL,
	"party_member" boolean DEFAULT false NOT NULL,
	"non_party_representative" boolean DEFAULT false NOT NULL,
	"staff_kind" text,
	"title" text,
	"phone" text,
	"email" text,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "roster_settings" ADD CONSTRAINT "roster_settings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teachers" ADD CONSTRAINT "teachers_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teachers" ADD CONSTRAINT "teachers_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "teachers_organization_work_no_unique" ON "teachers" USING btree ("organization_id","work_no");--> statement-breakpoint
CREATE INDEX "teachers_organization_department_idx" ON "teachers" USING btree ("organization_id","department_id");