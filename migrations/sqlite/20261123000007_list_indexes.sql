-- Lists by body: in folio order without sorting, and filtered by state from the index
-- alone (a due-date list skips closed cases before looking at their terms).
CREATE INDEX cases_body_kind_folio ON cases (body, kind, folio);
CREATE INDEX cases_body_kind_state ON cases (body, kind, state);
