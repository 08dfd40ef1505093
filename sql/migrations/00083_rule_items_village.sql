-- +goose Up
-- The village a row of rule_items belongs to (its parent's), kept on the row itself, so that every
-- table reaches its county without a join: the key a sharded engine (Vitess keyspaces by county)
-- places rows by. Filled from rule_books on insert, backfilled by 00095, checked by `pointsmarket check`.
ALTER TABLE rule_items ADD COLUMN village_id BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE rule_items DROP COLUMN village_id;
