-- +goose Up
-- The village a row of outbox belongs to (its parent's), kept on the row itself, so that every
-- table reaches its county without a join: the key a sharded engine (Vitess keyspaces by county)
-- places rows by. Filled from notifications on insert, backfilled by 00095, checked by `pointsmarket check`.
ALTER TABLE outbox ADD COLUMN village_id BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE outbox DROP COLUMN village_id;
