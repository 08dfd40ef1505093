-- +goose Up
-- The villagers' suggestions (金点子) a draft rule book answers (策由民商): what was suggested, by
-- whom, who gathered it, and how the draft answers it. A draft is adopted only when every
-- suggestion has its answer.
CREATE TABLE rule_book_suggestions (
    id           BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    rule_book_id BIGINT       NOT NULL,
    village_id   BIGINT       NOT NULL,
    text         VARCHAR(500) NOT NULL,
    source       VARCHAR(64)  NOT NULL,
    gathered_by  BIGINT       NOT NULL,
    gathered_at  DATETIME(6)  NOT NULL,
    answer       VARCHAR(500) NOT NULL DEFAULT '',
    answered_by  BIGINT       NULL,
    KEY ix_rule_book_suggestions_book (rule_book_id, id),
    CONSTRAINT fk_rule_book_suggestions_book FOREIGN KEY (rule_book_id) REFERENCES rule_books (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE rule_book_suggestions;
