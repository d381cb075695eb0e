-- A generation number per body that every write of a case, or of its assignment, raises
-- in the same transaction (issue 15): a process that keeps a list page or a due list in
-- memory reads the generations of the bodies the list covers (one index range) and serves
-- what it kept only while they are unchanged. An appeal's writes raise both the
-- guarantor's generation and that of the body appealed against (whose due list shows the
-- appeals against it). Terms are written only with their case row. Triggers, so no write
-- path (an act, an import, a repair by hand) can forget.
--
-- One body's writers must not queue on one row: the generation is spread over 32 slots
-- (the case id modulo 32; a list sums them), and the triggers are deferred to commit, so
-- a slot's row lock is held only while the transaction commits.
CREATE TABLE list_generations (
    body TEXT COLLATE "C" NOT NULL,
    slot INTEGER NOT NULL,
    gen  BIGINT NOT NULL,
    PRIMARY KEY (body, slot)
);

CREATE FUNCTION raise_list_generation(b TEXT, s INTEGER) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO list_generations (body, slot, gen) VALUES (b, s, 1)
    ON CONFLICT (body, slot) DO UPDATE SET gen = list_generations.gen + 1
$$;

CREATE FUNCTION cases_list_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    r RECORD;
    pb TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    PERFORM raise_list_generation(r.body, (r.id % 32)::INTEGER);
    IF TG_OP = 'UPDATE' AND OLD.body <> NEW.body THEN
        PERFORM raise_list_generation(OLD.body, (OLD.id % 32)::INTEGER);
    END IF;
    IF r.parent IS NOT NULL THEN
        SELECT p.body INTO pb FROM cases p WHERE p.folio = r.parent;
        IF pb IS NOT NULL AND pb <> r.body THEN
            PERFORM raise_list_generation(pb, (r.id % 32)::INTEGER);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER cases_list_generation
    AFTER INSERT OR UPDATE OR DELETE ON cases
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION cases_list_generation();

CREATE FUNCTION assignments_list_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    f TEXT;
    c RECORD;
BEGIN
    FOREACH f IN ARRAY ARRAY[CASE WHEN TG_OP <> 'INSERT' THEN OLD.folio END,
                             CASE WHEN TG_OP <> 'DELETE' THEN NEW.folio END] LOOP
        CONTINUE WHEN f IS NULL;
        FOR c IN SELECT x.id, x.body, p.body AS parent_body FROM cases x
                 LEFT JOIN cases p ON p.folio = x.parent WHERE x.folio = f LOOP
            PERFORM raise_list_generation(c.body, (c.id % 32)::INTEGER);
            IF c.parent_body IS NOT NULL AND c.parent_body <> c.body THEN
                PERFORM raise_list_generation(c.parent_body, (c.id % 32)::INTEGER);
            END IF;
        END LOOP;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER assignments_list_generation
    AFTER INSERT OR UPDATE OR DELETE ON assignments
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION assignments_list_generation();
