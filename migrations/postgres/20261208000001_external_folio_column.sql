-- The folio another system gave a request (the PNT's, art. 49.1) as a column of its own,
-- written when the case is filed or imported (issue 15). The index on the projection's
-- JSON kept every act's update from being a heap-only one, since every act rewrites the
-- projection; an act never changes how a request came in, so this column and its index
-- are left alone by acts. `arco verify` checks it against the log.
ALTER TABLE cases ADD COLUMN external_folio TEXT;
UPDATE cases SET external_folio = projection #>> '{reception,external_folio}'
    WHERE projection #>> '{reception,external_folio}' IS NOT NULL;
DROP INDEX cases_external_folio;
CREATE INDEX cases_external_folio ON cases (external_folio) WHERE external_folio IS NOT NULL;
