-- Parallel writers (issue 12): cursor positions come from transaction ids, not from
-- the one counter row that every writer locked. Each new position is
-- (xid + xid_offset) * 16384 + place, and xid_offset is chosen above everything the
-- old counter handed out, so a cursor a client kept from before the upgrade still
-- returns exactly what came after it (src/server/store/pull.ts).
ALTER TABLE "sync_counter" ADD COLUMN "xid_offset" bigint DEFAULT 1 NOT NULL;
--> statement-breakpoint
UPDATE "sync_counter" SET "xid_offset" = "seq" / 16384 + 1 WHERE "id" = 1;
