-- +goose Up
-- The village a row of project_progress belongs to (its parent's), kept on the row itself, so that every
-- table reaches its county without a join: the key a sharded engine (Vitess keyspaces by county)
-- places rows by. Filled from projects on insert, backfilled by 00095, checked by `pointsmarket check`.
ALTER TABLE project_progress ADD COLUMN village_id BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE project_progress DROP COLUMN village_id;
