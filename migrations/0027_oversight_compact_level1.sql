ALTER TABLE "institution_snapshots" ADD COLUMN "level1_codes" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "institution_snapshots" ADD COLUMN "level1_titles" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "institution_snapshots" ADD COLUMN "level1_measures" integer[] DEFAULT '{}'::integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "institution_snapshots" ADD COLUMN "level1_measures_done" integer[] DEFAULT '{}'::integer[] NOT NULL;--> statement-breakpoint
-- Written by hand after the generated statements: the snapshots already there get their arrays from their own by_level1 (upsertSnapshots writes them from now on).
UPDATE "institution_snapshots" SET
  "level1_codes" = coalesce((SELECT array_agg(e->>'code' ORDER BY n) FROM jsonb_array_elements("by_level1") WITH ORDINALITY AS t(e, n)), '{}'),
  "level1_titles" = coalesce((SELECT array_agg(e->>'title' ORDER BY n) FROM jsonb_array_elements("by_level1") WITH ORDINALITY AS t(e, n)), '{}'),
  "level1_measures" = coalesce((SELECT array_agg((e->>'measures')::integer ORDER BY n) FROM jsonb_array_elements("by_level1") WITH ORDINALITY AS t(e, n)), '{}'),
  "level1_measures_done" = coalesce((SELECT array_agg((e->>'measuresDone')::integer ORDER BY n) FROM jsonb_array_elements("by_level1") WITH ORDINALITY AS t(e, n)), '{}');
