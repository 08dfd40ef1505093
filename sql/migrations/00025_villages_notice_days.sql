-- +goose Up
-- How many days approved points are publicly displayed (公示) before they count (7 by default).
ALTER TABLE villages ADD COLUMN notice_days INT NOT NULL DEFAULT 7;

-- +goose Down
ALTER TABLE villages DROP COLUMN notice_days;
