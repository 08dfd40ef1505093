-- +goose Up
-- Why an entry due for posting could not post (insufficient points for a penalty ...): the sweeper
-- marks it, alerts the supervisors, goes on with the others and tries it again next time.
ALTER TABLE point_entries ADD COLUMN post_failure VARCHAR(255) NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE point_entries DROP COLUMN post_failure;
