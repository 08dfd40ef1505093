-- +goose Up
-- An approving or watching role (branch committee, party member, supervisor) is granted by the
-- township on a decision: its date and reference (文号) are kept with the grant.
ALTER TABLE role_grants ADD COLUMN decided_on DATE NULL, ADD COLUMN reference VARCHAR(64) NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE role_grants DROP COLUMN decided_on, DROP COLUMN reference;
