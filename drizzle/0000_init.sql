CREATE TABLE "reference_departures" (
	"reference_id" text NOT NULL,
	"referee_email" text NOT NULL,
	"seq" bigint NOT NULL,
	CONSTRAINT "reference_departures_reference_id_referee_email_pk" PRIMARY KEY("reference_id","referee_email")
);
--> statement-breakpoint
CREATE TABLE "references" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"referee_name" text NOT NULL,
	"referee_email" text NOT NULL,
	"message" text NOT NULL,
	"status" text NOT NULL,
	"response" text,
	"responded_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"is_deleted" boolean NOT NULL,
	"col_times" jsonb NOT NULL,
	"col_seqs" jsonb NOT NULL,
	"seq" bigint NOT NULL,
	"created_seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_counter" (
	"id" integer PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_grants" (
	"referee_email" text NOT NULL,
	"candidate_id" text NOT NULL,
	"seq" bigint NOT NULL,
	CONSTRAINT "user_grants_referee_email_candidate_id_pk" PRIMARY KEY("referee_email","candidate_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"col_times" jsonb NOT NULL,
	"col_seqs" jsonb NOT NULL,
	"seq" bigint NOT NULL,
	"created_seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "departures_email_seq_idx" ON "reference_departures" USING btree ("referee_email","seq");--> statement-breakpoint
CREATE INDEX "references_user_seq_idx" ON "references" USING btree ("user_id","seq");--> statement-breakpoint
CREATE INDEX "references_referee_seq_idx" ON "references" USING btree ("referee_email","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_lower_idx" ON "users" USING btree (lower("email"));