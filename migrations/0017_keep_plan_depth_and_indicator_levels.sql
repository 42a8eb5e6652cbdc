ALTER TABLE "indicators" ADD COLUMN "levels" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "standards" ADD COLUMN "depth" integer DEFAULT 2 NOT NULL;