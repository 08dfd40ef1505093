-- +goose Up
-- Checkpoints form a chain of their own: each links the previous one (link = SHA-256 of the
-- previous link, its root and its time) and is sealed with an HMAC of the link under PM_AUDIT_KEY,
-- a key that is not in the database. Checkpoints written before this have no link. One checkpoint
-- follows each (the first follows 0): two instances publishing at once cannot fork the chain.
ALTER TABLE audit_checkpoints ADD COLUMN prev_id BIGINT NULL, ADD COLUMN link BINARY(32) NULL, ADD COLUMN seal BINARY(32) NULL,
    ADD UNIQUE KEY uq_audit_checkpoints_prev (prev_id);

-- +goose Down
ALTER TABLE audit_checkpoints DROP KEY uq_audit_checkpoints_prev, DROP COLUMN prev_id, DROP COLUMN link, DROP COLUMN seal;
