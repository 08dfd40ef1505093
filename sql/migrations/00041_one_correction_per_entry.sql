-- +goose Up
-- One live correction per entry: a correction that was rejected or revoked frees the entry for
-- another; two at the same moment cannot both be registered.
ALTER TABLE point_entries
    ADD COLUMN live_correction_of BIGINT GENERATED ALWAYS AS (IF(status IN ('rejected', 'revoked'), NULL, reverses_entry_id)) STORED,
    ADD UNIQUE KEY uq_point_entries_live_correction (live_correction_of);

-- +goose Down
ALTER TABLE point_entries DROP KEY uq_point_entries_live_correction, DROP COLUMN live_correction_of;
