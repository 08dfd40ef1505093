-- +goose Up
-- Whether a village lets its partner shops take cash for the points a villager falls short of
-- (积分+现金), at the goods' agreed price. Set by the township: it decides what the village's
-- settlements reimburse.
ALTER TABLE villages ADD COLUMN cash_top_up BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE villages DROP COLUMN cash_top_up;
