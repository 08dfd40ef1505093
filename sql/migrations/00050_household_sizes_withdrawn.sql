-- +goose Up
-- A size withdrawn by an upheld objection never counts.
ALTER TABLE household_sizes ADD COLUMN withdrawn BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE household_sizes DROP COLUMN withdrawn;
