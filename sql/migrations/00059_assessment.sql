-- +goose Up
-- County-level roles (the county's admin and assessors): a county grant has no township, so it is
-- kept apart from role_grants, whose township is required.
CREATE TABLE county_grants (
    id         BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    person_id  BIGINT      NOT NULL,
    county_id  BIGINT      NOT NULL,
    role       VARCHAR(32) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    UNIQUE KEY uq_county_grants (person_id, role, county_id),
    KEY ix_county_grants_county (county_id, role),
    CONSTRAINT fk_county_grants_person FOREIGN KEY (person_id) REFERENCES people (id),
    CONSTRAINT fk_county_grants_county FOREIGN KEY (county_id) REFERENCES counties (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A county's assessment scheme for a half-year (积分换项目): its items, the award bands and the
-- warning line, versioned: the latest version of a period is the one in force.
CREATE TABLE assessment_schemes (
    id             BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    county_id      BIGINT       NOT NULL,
    period         CHAR(7)      NOT NULL,
    version        INT          NOT NULL,
    title          VARCHAR(100) NOT NULL,
    items          TEXT         NOT NULL,
    award_bands    TEXT         NOT NULL,
    warn_bottom    INT          NOT NULL,
    tie_rule       VARCHAR(32)  NOT NULL,
    budget_fen     BIGINT       NOT NULL,
    objection_days INT          NOT NULL,
    adopted_by     BIGINT       NOT NULL,
    adopted_at     DATETIME(6)  NOT NULL,
    UNIQUE KEY uq_assessment_schemes (county_id, period, version),
    CONSTRAINT fk_assessment_schemes_county FOREIGN KEY (county_id) REFERENCES counties (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What an assessor recorded against a village (an incident, a petition outside channels, a case,
-- illegal building, pollution, an epidemic case), and the village's objection with its answer.
CREATE TABLE assessment_events (
    id          BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    county_id   BIGINT        NOT NULL,
    village_id  BIGINT        NOT NULL,
    period      CHAR(7)       NOT NULL,
    item        VARCHAR(32)   NOT NULL,
    occurred_on DATE          NOT NULL,
    description VARCHAR(500)  NOT NULL,
    evidence    VARCHAR(2000) NOT NULL,
    status      VARCHAR(16)   NOT NULL,
    recorded_by BIGINT        NOT NULL,
    recorded_at DATETIME(6)   NOT NULL,
    objection   VARCHAR(1000) NOT NULL DEFAULT '',
    objected_by BIGINT        NULL,
    objected_at DATETIME(6)   NULL,
    answer      VARCHAR(1000) NOT NULL DEFAULT '',
    answered_by BIGINT        NULL,
    answered_at DATETIME(6)   NULL,
    KEY ix_assessment_events_county (county_id, period, status, village_id),
    KEY ix_assessment_events_village (village_id, period),
    CONSTRAINT fk_assessment_events_village FOREIGN KEY (village_id) REFERENCES villages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The monthly inspection's tasks (每月排查、调度、交办、督办): given to a village with a deadline,
-- completed by it.
CREATE TABLE assessment_tasks (
    id         BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    county_id  BIGINT        NOT NULL,
    village_id BIGINT        NOT NULL,
    period     CHAR(7)       NOT NULL,
    title      VARCHAR(200)  NOT NULL,
    due_on     DATE          NOT NULL,
    given_by   BIGINT        NOT NULL,
    given_at   DATETIME(6)   NOT NULL,
    done_on    DATE          NULL,
    done_by    BIGINT        NULL,
    done_note  VARCHAR(1000) NOT NULL DEFAULT '',
    KEY ix_assessment_tasks_county (county_id, period, village_id),
    KEY ix_assessment_tasks_village (village_id, period),
    CONSTRAINT fk_assessment_tasks_village FOREIGN KEY (village_id) REFERENCES villages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A published ranking: each village's score, rank, band and award as the county published them.
CREATE TABLE village_rankings (
    county_id    BIGINT      NOT NULL,
    period       CHAR(7)     NOT NULL,
    village_id   BIGINT      NOT NULL,
    scheme_id    BIGINT      NOT NULL,
    score_centi  BIGINT      NOT NULL,
    events       INT         NOT NULL,
    activity_pct INT         NOT NULL,
    `rank`       INT         NOT NULL,
    band         VARCHAR(8)  NOT NULL,
    award_fen    BIGINT      NOT NULL,
    flagged      BOOLEAN     NOT NULL,
    published_by BIGINT      NOT NULL,
    published_at DATETIME(6) NOT NULL,
    PRIMARY KEY (county_id, period, village_id),
    KEY ix_village_rankings_village (village_id, period),
    CONSTRAINT fk_village_rankings_scheme FOREIGN KEY (scheme_id) REFERENCES assessment_schemes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE village_rankings;
DROP TABLE assessment_tasks;
DROP TABLE assessment_events;
DROP TABLE assessment_schemes;
DROP TABLE county_grants;
