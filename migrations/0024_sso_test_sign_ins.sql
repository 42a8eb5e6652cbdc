CREATE TABLE "sso_test_sign_ins" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"provider_id" uuid NOT NULL,
	"started_by" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"error_code" text,
	"reason" text,
	"reason_text" text,
	"reason_params" jsonb,
	"claims" jsonb,
	"would_match" jsonb,
	"would_match_user_id" uuid
);
--> statement-breakpoint
ALTER TABLE "sso_test_sign_ins" ADD CONSTRAINT "sso_test_sign_ins_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_test_sign_ins" ADD CONSTRAINT "sso_test_sign_ins_provider_id_identity_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."identity_providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_test_sign_ins" ADD CONSTRAINT "sso_test_sign_ins_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_test_sign_ins" ADD CONSTRAINT "sso_test_sign_ins_would_match_user_id_users_id_fk" FOREIGN KEY ("would_match_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sso_test_sign_ins_provider_idx" ON "sso_test_sign_ins" USING btree ("organization_id","provider_id","finished_at");