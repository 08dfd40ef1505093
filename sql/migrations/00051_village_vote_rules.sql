-- +goose Up
-- A village's vote rules, within the Organic Law's bounds: the share of a representatives' assembly
-- that must be present (at least two thirds) and the share of those present that must vote for
-- (more than half). Set by the township; NULL keeps the law's defaults.
ALTER TABLE villages ADD COLUMN assembly_quorum_pct INT NULL, ADD COLUMN majority_pct INT NULL;

-- +goose Down
ALTER TABLE villages DROP COLUMN assembly_quorum_pct, DROP COLUMN majority_pct;
