-- +goose Up
-- Goods photos live in the database, re-encoded small: every service instance sees the same photo
-- without a shared disk, and backups carry them with the catalog.
CREATE TABLE goods_photos (
    id           BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    goods_id     BIGINT      NOT NULL,
    content      MEDIUMBLOB  NOT NULL,
    content_type VARCHAR(32) NOT NULL,
    width        INT         NOT NULL,
    height       INT         NOT NULL,
    sha256       BINARY(32)  NOT NULL,
    created_by   BIGINT      NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    KEY ix_goods_photos_goods (goods_id),
    CONSTRAINT fk_goods_photos_goods FOREIGN KEY (goods_id) REFERENCES goods (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE goods_photos;
