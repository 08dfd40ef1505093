-- +goose Up
-- Households registered before sizes went through the notice count as noticed when created.
INSERT INTO household_sizes (household_id, size, previous, noticed_from, notice_until)
SELECT id, size, 0, created_at, created_at FROM households;

-- +goose Down
DELETE FROM household_sizes;
