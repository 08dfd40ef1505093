-- +goose Up
-- A representative's item may require visits or meetings recorded (联户) in the entry's month:
-- the points are registered only with that evidence.
ALTER TABLE rule_items ADD COLUMN visits_required INT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE rule_items DROP COLUMN visits_required;
