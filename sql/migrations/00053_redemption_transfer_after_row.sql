-- +goose Up
-- See 00052: a member-code redemption's transfer names the redemption, so the redemption row is
-- written first and its transfer_id filled in within the same transaction.
ALTER TABLE redemptions MODIFY transfer_id BIGINT NULL;

-- +goose Down
ALTER TABLE redemptions MODIFY transfer_id BIGINT NOT NULL;
