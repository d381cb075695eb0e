-- What a list reads of a case instead of its whole projection (issue 15): the right, and
-- how time alone changes the state after the last act (`holds_until`: the last date the
-- stored state holds; then `then_state`, owing nothing more if `then_stops`). Written in
-- the same transaction as the projection; `arco verify` checks them against the log.
-- `listed = 0` marks a case written before they existed: lists compute it from its
-- projection until its next act.
ALTER TABLE cases ADD COLUMN list_right TEXT;
ALTER TABLE cases ADD COLUMN holds_until TEXT;
ALTER TABLE cases ADD COLUMN then_state TEXT;
ALTER TABLE cases ADD COLUMN then_stops INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN listed INTEGER NOT NULL DEFAULT 0;

-- A due list of one body is one range of this index: the open terms carry their case's
-- body and kind (written with them), and a power (optional) counts only while it runs, so
-- duties and powers are two ranges by due date.
ALTER TABLE deadlines ADD COLUMN body TEXT;
ALTER TABLE deadlines ADD COLUMN kind TEXT;
UPDATE deadlines SET
    body = (SELECT c.body FROM cases c WHERE c.id = deadlines.case_id),
    kind = (SELECT c.kind FROM cases c WHERE c.id = deadlines.case_id);
CREATE INDEX deadlines_body_open_due ON deadlines (body, kind, optional, due)
    WHERE status = 'pending';
