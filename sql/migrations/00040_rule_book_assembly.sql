-- +goose Up
-- The assembly that adopted a rule book: which body met (representatives or villagers) and how many
-- members it has, besides those present and the votes.
ALTER TABLE rule_books ADD COLUMN assembly_body VARCHAR(16) NOT NULL DEFAULT '', ADD COLUMN assembly_members INT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE rule_books DROP COLUMN assembly_body, DROP COLUMN assembly_members;
