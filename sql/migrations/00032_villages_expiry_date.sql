-- +goose Up
-- The day ("MM-DD") each year when the village clears spendable points, if it does (NULL: never).
-- Lifetime and honour totals are kept: expiry is an ordinary, visible, non-earning transfer.
ALTER TABLE villages ADD COLUMN expiry_date CHAR(5) NULL;

-- +goose Down
ALTER TABLE villages DROP COLUMN expiry_date;
