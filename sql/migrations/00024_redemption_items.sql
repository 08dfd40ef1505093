-- +goose Up
CREATE TABLE redemption_items (
    redemption_id BIGINT      NOT NULL,
    goods_id      BIGINT      NOT NULL,
    name          VARCHAR(64) NOT NULL,
    unit          VARCHAR(16) NOT NULL,
    quantity      BIGINT      NOT NULL,
    points_each   BIGINT      NOT NULL,
    price_fen     BIGINT      NOT NULL,
    PRIMARY KEY (redemption_id, goods_id),
    KEY ix_redemption_items_goods (goods_id),
    CONSTRAINT fk_redemption_items_redemption FOREIGN KEY (redemption_id) REFERENCES redemptions (id),
    CONSTRAINT ck_redemption_items_quantity CHECK (quantity > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE redemption_items;
