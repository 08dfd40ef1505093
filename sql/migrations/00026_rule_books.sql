-- +goose Up
-- A village's rule book (积分细则), versioned. Only an adopted version — adopted by a villagers'
-- assembly whose vote is recorded here — may be used; adopting one supersedes the previous.
CREATE TABLE rule_books (
    id             BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id     BIGINT       NOT NULL,
    version        INT          NOT NULL,
    title          VARCHAR(128) NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    assembly_date  DATE         NULL,
    votes_for      INT          NOT NULL DEFAULT 0,
    votes_against  INT          NOT NULL DEFAULT 0,
    votes_abstain  INT          NOT NULL DEFAULT 0,
    attendance     INT          NOT NULL DEFAULT 0,
    created_by     BIGINT       NOT NULL,
    created_at     DATETIME(6)  NOT NULL,
    adopted_at     DATETIME(6)  NULL,
    UNIQUE KEY uq_rule_books_version (village_id, version),
    CONSTRAINT fk_rule_books_village FOREIGN KEY (village_id) REFERENCES villages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE rule_books;
