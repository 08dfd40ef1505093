-- +goose Up
-- A redemption made with a household card and its PIN names the card.
ALTER TABLE redemptions ADD COLUMN card_id BIGINT NULL;

-- +goose Down
ALTER TABLE redemptions DROP COLUMN card_id;
