-- +goose Up
-- An inspection task the village reports done counts once an assessor (not of the village)
-- confirms it: the village's clerk alone cannot raise the village's score.
ALTER TABLE assessment_tasks ADD COLUMN confirmed_by BIGINT NULL, ADD COLUMN confirmed_at DATETIME(6) NULL;

-- +goose Down
ALTER TABLE assessment_tasks DROP COLUMN confirmed_by, DROP COLUMN confirmed_at;
