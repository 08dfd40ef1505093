-- +goose Up
-- The cash a shop took for the points a redemption fell short of: it stays with the shop, and the
-- settlement reimburses the agreed price less it.
ALTER TABLE redemptions ADD COLUMN cash_fen BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE redemptions DROP COLUMN cash_fen;
