-- +goose Up
-- Every change of a goods item's stock: stock-in (进货), adjustment with a reason (damage, count),
-- redemption and reversal. goods.stock always equals the sum of its movements.
CREATE TABLE stock_movements (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    goods_id   BIGINT       NOT NULL,
    delta      BIGINT       NOT NULL,
    kind       VARCHAR(16)  NOT NULL,
    reason     VARCHAR(255) NOT NULL,
    ref_type   VARCHAR(32)  NOT NULL DEFAULT '',
    ref_id     BIGINT       NOT NULL DEFAULT 0,
    moved_on   DATE         NOT NULL,
    created_by BIGINT       NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    KEY ix_stock_movements_goods (goods_id, id),
    CONSTRAINT fk_stock_movements_goods FOREIGN KEY (goods_id) REFERENCES goods (id),
    CONSTRAINT ck_stock_movements_delta CHECK (delta <> 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE stock_movements;
