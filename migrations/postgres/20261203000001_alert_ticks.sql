-- The short alert runs (a breach's 72 hours, art. 40, cannot wait for the night): a tick
-- (a slot of the clock, in UTC, named by its kind and start) is claimed by inserting its
-- row, so any number of arco processes on one database run each tick once.
CREATE TABLE alert_ticks (
    tick         TEXT PRIMARY KEY,
    holder       TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT
);
