-- +goose Up
-- The village a row of entry_votes belongs to (its parent's), kept on the row itself, so that every
-- table reaches its county without a join: the key a sharded engine (Vitess keyspaces by county)
-- places rows by. Filled from point_entries on insert, backfilled by 00095, checked by `pointsmarket check`.
ALTER TABLE entry_votes ADD COLUMN village_id BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE entry_votes DROP COLUMN village_id;
