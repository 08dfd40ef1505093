-- +goose Up
-- The number villagers call to report to the village's supervision (监督电话), printed on the public
-- board. The township sets it: a village's own officials do not choose where complaints about them go.
ALTER TABLE villages ADD COLUMN supervision_phone VARCHAR(20) NULL;

-- +goose Down
ALTER TABLE villages DROP COLUMN supervision_phone;
