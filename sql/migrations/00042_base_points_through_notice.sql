-- +goose Up
-- Base points are entries like any other, scored by the branch committee and shown on the notice;
-- base_for is the month they are for, as yyyymm. A household has one live base entry per item and month:
-- live_base_for is NULL for other entries and for rejected or revoked ones, so the unique key
-- leaves them alone.
ALTER TABLE point_entries
    ADD COLUMN base_for INT NULL,
    ADD COLUMN live_base_for INT GENERATED ALWAYS AS (IF(status IN ('rejected', 'revoked'), NULL, base_for)) STORED,
    ADD UNIQUE KEY uq_point_entries_live_base (live_base_for, household_id, rule_item_id);

-- +goose Down
ALTER TABLE point_entries DROP KEY uq_point_entries_live_base, DROP COLUMN live_base_for, DROP COLUMN base_for;
