-- +goose Up
-- The households a representative or party member serves (联户), one grid head at a time with the
-- history kept, and the visits and meetings they record.
CREATE TABLE grid_assignments (
    id           BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id   BIGINT      NOT NULL,
    household_id BIGINT      NOT NULL,
    person_id    BIGINT      NOT NULL,
    from_at      DATETIME(6) NOT NULL,
    until_at     DATETIME(6) NULL,
    assigned_by  BIGINT      NOT NULL,
    KEY ix_grid_household (household_id, until_at),
    KEY ix_grid_person (person_id, until_at),
    CONSTRAINT fk_grid_household FOREIGN KEY (household_id) REFERENCES households (id),
    CONSTRAINT fk_grid_person FOREIGN KEY (person_id) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE grid_visits (
    id           BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id   BIGINT        NOT NULL,
    person_id    BIGINT        NOT NULL,
    kind         VARCHAR(16)   NOT NULL,
    household_id BIGINT        NULL,
    visited_on   DATE          NOT NULL,
    what         VARCHAR(2000) NOT NULL,
    attendance   INT           NOT NULL DEFAULT 0,
    created_at   DATETIME(6)   NOT NULL,
    KEY ix_grid_visits_village (village_id, id),
    KEY ix_grid_visits_person (person_id, id),
    CONSTRAINT fk_grid_visits_person FOREIGN KEY (person_id) REFERENCES people (id),
    CONSTRAINT fk_grid_visits_household FOREIGN KEY (household_id) REFERENCES households (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE grid_visits;
DROP TABLE grid_assignments;
