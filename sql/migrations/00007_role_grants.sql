-- +goose Up
-- A role held in a place. township_id is always set; village_id is 0 for township-level grants;
-- shop_id is 0 unless the role is shopkeeper. body says which of the supervision group's three bodies
-- a supervisor comes from (village_committee, work_team, representatives).
CREATE TABLE role_grants (
    id          BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    person_id   BIGINT      NOT NULL,
    role        VARCHAR(32) NOT NULL,
    township_id BIGINT      NOT NULL,
    village_id  BIGINT      NOT NULL DEFAULT 0,
    shop_id     BIGINT      NOT NULL DEFAULT 0,
    body        VARCHAR(32) NOT NULL DEFAULT '',
    created_at  DATETIME(6) NOT NULL,
    UNIQUE KEY uq_role_grants (person_id, role, township_id, village_id, shop_id),
    KEY ix_role_grants_place (village_id, role),
    CONSTRAINT fk_role_grants_person FOREIGN KEY (person_id) REFERENCES people (id),
    CONSTRAINT fk_role_grants_township FOREIGN KEY (township_id) REFERENCES townships (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE role_grants;
