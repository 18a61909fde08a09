-- The one-row counter every writing transaction locks first (see src/server/store/push-tx.ts).
INSERT INTO "sync_counter" ("id", "seq") VALUES (1, 0) ON CONFLICT DO NOTHING;
