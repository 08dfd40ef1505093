-- +goose Up
-- Each checkpoint names the audit key that sealed it (the first 8 bytes of an HMAC of a fixed
-- label under the key, which tells keys apart without revealing them): a key rotation is recorded
-- in the checkpoint chain itself, and check verifies each seal with the key it names.
ALTER TABLE audit_checkpoints ADD COLUMN key_id BINARY(8) NULL;

-- +goose Down
ALTER TABLE audit_checkpoints DROP COLUMN key_id;
