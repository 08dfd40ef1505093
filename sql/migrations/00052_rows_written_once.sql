-- +goose Up
-- A voucher is written before its hold (which names it) and a member-code redemption before its
-- transfer (which names it), so that holds and transfers are written once, complete; the
-- voucher's hold and the redemption's transfer are filled in within the same transaction, and
-- `pointsmarket check` reports any committed row without them.
ALTER TABLE vouchers MODIFY hold_id BIGINT NULL;

-- +goose Down
ALTER TABLE vouchers MODIFY hold_id BIGINT NOT NULL;
