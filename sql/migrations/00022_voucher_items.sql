-- +goose Up
-- What a voucher is for, with the points and agreed price of each unit when it was issued.
CREATE TABLE voucher_items (
    voucher_id  BIGINT      NOT NULL,
    goods_id    BIGINT      NOT NULL,
    name        VARCHAR(64) NOT NULL,
    unit        VARCHAR(16) NOT NULL,
    quantity    BIGINT      NOT NULL,
    points_each BIGINT      NOT NULL,
    price_fen   BIGINT      NOT NULL,
    PRIMARY KEY (voucher_id, goods_id),
    CONSTRAINT fk_voucher_items_voucher FOREIGN KEY (voucher_id) REFERENCES vouchers (id),
    CONSTRAINT ck_voucher_items_quantity CHECK (quantity > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE voucher_items;
