-- +goose Up
-- How many days a village's vouchers stay valid (the village configures it; 7 by default).
ALTER TABLE villages ADD COLUMN voucher_days INT NOT NULL DEFAULT 7;

-- +goose Down
ALTER TABLE villages DROP COLUMN voucher_days;
