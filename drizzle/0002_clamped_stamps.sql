-- Per record, stamps that arrived more than 60 s ahead and the time each was taken as
-- (a replayed push counts as it did the first time: src/shared/merge.ts).
ALTER TABLE "references" ADD COLUMN "clamped_stamps" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "clamped_stamps" jsonb DEFAULT '{}'::jsonb NOT NULL;