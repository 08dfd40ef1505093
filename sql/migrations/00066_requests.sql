-- +goose Up
-- The villagers' requests (民情诉求): the county's departments and their staff, the county's own
-- deadlines, each request, and each unit's turn with it (a handling), from which the three rates
-- of villages, townships and departments are counted.
CREATE TABLE departments (
    id        BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    county_id BIGINT      NOT NULL,
    name      VARCHAR(64) NOT NULL,
    UNIQUE KEY uq_departments (county_id, name),
    CONSTRAINT fk_departments_county FOREIGN KEY (county_id) REFERENCES counties (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE department_staff (
    department_id BIGINT NOT NULL,
    person_id     BIGINT NOT NULL,
    PRIMARY KEY (department_id, person_id),
    KEY ix_department_staff_person (person_id),
    CONSTRAINT fk_department_staff_department FOREIGN KEY (department_id) REFERENCES departments (id),
    CONSTRAINT fk_department_staff_person FOREIGN KEY (person_id) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE request_deadlines (
    county_id    BIGINT      NOT NULL,
    category     VARCHAR(16) NOT NULL,
    difficulty   VARCHAR(16) NOT NULL,
    working_days INT         NOT NULL,
    PRIMARY KEY (county_id, category, difficulty),
    CONSTRAINT fk_request_deadlines_county FOREIGN KEY (county_id) REFERENCES counties (id),
    CONSTRAINT ck_request_deadlines_days CHECK (working_days BETWEEN 1 AND 60)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE requests (
    id            BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    village_id    BIGINT        NOT NULL,
    township_id   BIGINT        NOT NULL,
    county_id     BIGINT        NOT NULL,
    household_id  BIGINT        NOT NULL,
    filed_by      BIGINT        NOT NULL,
    on_behalf     BOOLEAN       NOT NULL,
    category      VARCHAR(16)   NOT NULL,
    difficulty    VARCHAR(16)   NOT NULL,
    text          VARCHAR(4000) NOT NULL,
    public        BOOLEAN       NOT NULL,
    level         VARCHAR(16)   NOT NULL,
    department_id BIGINT        NULL,
    status        VARCHAR(16)   NOT NULL,
    filed_at      DATETIME(6)   NOT NULL,
    due_at        DATETIME(6)   NOT NULL,
    overdue       BOOLEAN       NOT NULL DEFAULT FALSE,
    answer        VARCHAR(4000) NOT NULL DEFAULT '',
    resolved      BOOLEAN       NULL,
    answered_at   DATETIME(6)   NULL,
    rating        VARCHAR(16)   NULL,
    reopened      BOOLEAN       NOT NULL DEFAULT FALSE,
    handling_id   BIGINT        NOT NULL DEFAULT 0,
    KEY ix_requests_village (village_id, status, id),
    KEY ix_requests_township (township_id, status, id),
    KEY ix_requests_department (department_id, status, id),
    KEY ix_requests_household (household_id, id),
    KEY ix_requests_filer (filed_by, id),
    CONSTRAINT fk_requests_village FOREIGN KEY (village_id) REFERENCES villages (id),
    CONSTRAINT fk_requests_household FOREIGN KEY (household_id) REFERENCES households (id),
    CONSTRAINT fk_requests_filer FOREIGN KEY (filed_by) REFERENCES people (id),
    CONSTRAINT fk_requests_department FOREIGN KEY (department_id) REFERENCES departments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE request_handlings (
    id          BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    request_id  BIGINT        NOT NULL,
    level       VARCHAR(16)   NOT NULL,
    unit_id     BIGINT        NOT NULL,
    assigned_at DATETIME(6)   NOT NULL,
    due_at      DATETIME(6)   NOT NULL,
    closed_at   DATETIME(6)   NULL,
    outcome     VARCHAR(16)   NULL,
    in_time     BOOLEAN       NULL,
    by_person   BIGINT        NULL,
    note        VARCHAR(4000) NOT NULL DEFAULT '',
    resolved    BOOLEAN       NULL,
    rating      VARCHAR(16)   NULL,
    alerted     BOOLEAN       NOT NULL DEFAULT FALSE,
    KEY ix_request_handlings_request (request_id, id),
    KEY ix_request_handlings_unit (level, unit_id, assigned_at),
    KEY ix_request_handlings_due (closed_at, alerted, due_at),
    CONSTRAINT fk_request_handlings_request FOREIGN KEY (request_id) REFERENCES requests (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE request_handlings;
DROP TABLE requests;
DROP TABLE request_deadlines;
DROP TABLE department_staff;
DROP TABLE departments;
