-- +goose Up
-- A redemption of a voucher a proxy took for a household (代办) says so, on the receipt, the
-- household's and the shop's lists and the supervision feed.
ALTER TABLE redemptions ADD COLUMN proxy BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE redemptions DROP COLUMN proxy;
