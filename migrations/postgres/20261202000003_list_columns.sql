-- What a list reads of a case instead of its whole projection (issue 15): the right, and
-- how time alone changes the state after the last act (`holds_until`: the last date the
-- stored state holds; then `then_state`, owing nothing more if `then_stops`). Written in
-- the same transaction as the projection; `arco verify` checks them against the log.
-- `listed = false` marks a case written before they existed: lists compute it from its
-- projection until its next act.
ALTER TABLE cases ADD COLUMN list_right TEXT;
ALTER TABLE cases ADD COLUMN holds_until DATE;
ALTER TABLE cases ADD COLUMN then_state TEXT;
ALTER TABLE cases ADD COLUMN then_stops BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN listed BOOLEAN NOT NULL DEFAULT FALSE;

-- A due list of one body is one range of this index: the open terms carry their case's
-- body and kind (written with them), and a power (optional) counts only while it runs, so
-- duties and powers are two ranges by due date.
ALTER TABLE deadlines ADD COLUMN body TEXT;
ALTER TABLE deadlines ADD COLUMN kind TEXT;
UPDATE deadlines d SET body = c.body, kind = c.kind FROM cases c WHERE c.id = d.case_id;
CREATE INDEX deadlines_body_open_due ON deadlines (body, kind, optional, due)
    WHERE status = 'pending';
