CREATE TABLE "department_data_versions" (
	"organization_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "department_data_versions_organization_id_department_id_pk" PRIMARY KEY("organization_id","department_id")
);
--> statement-breakpoint
CREATE TABLE "organization_data_versions" (
	"organization_id" uuid PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	"shared_version" bigint NOT NULL
);
