-- Appeals are cases of their own (kind 'appeal'), linked to the request they challenge.
ALTER TABLE cases ADD COLUMN parent TEXT;
CREATE INDEX cases_parent ON cases (parent) WHERE parent IS NOT NULL;
