-- A generation number per body that every write of a case, of its terms or of its
-- assignment raises in the same transaction (issue 15): a process that keeps a list page
-- or a due list in memory reads the generations of the bodies the list covers (one index
-- range) and serves what it kept only while they are unchanged. An appeal's writes raise
-- both the guarantor's generation and that of the body appealed against (whose due list
-- shows the appeals against it). Triggers, so no write path (an act, an import, a repair
-- by hand) can forget. `slot` spreads one body's writers over several rows on PostgreSQL;
-- on SQLite, where writes are serialised anyway, it is always 0.
CREATE TABLE list_generations (
    body TEXT NOT NULL,
    slot INTEGER NOT NULL DEFAULT 0,
    gen  INTEGER NOT NULL,
    PRIMARY KEY (body, slot)
) WITHOUT ROWID;

CREATE TRIGGER cases_list_generation_insert AFTER INSERT ON cases BEGIN
    INSERT INTO list_generations (body, slot, gen) VALUES (NEW.body, 0, 1)
        ON CONFLICT (body, slot) DO UPDATE SET gen = gen + 1;
    INSERT INTO list_generations (body, slot, gen)
        SELECT p.body, 0, 1 FROM cases p WHERE p.folio = NEW.parent AND p.body <> NEW.body
        ON CONFLICT (body, slot) DO UPDATE SET gen = gen + 1;
END;

CREATE TRIGGER cases_list_generation_update AFTER UPDATE ON cases BEGIN
    INSERT INTO list_generations (body, slot, gen) VALUES (NEW.body, 0, 1)
        ON CONFLICT (body, slot) DO UPDATE SET gen = gen + 1;
    INSERT INTO list_generations (body, slot, gen)
        SELECT OLD.body, 0, 1 WHERE OLD.body <> NEW.body
        ON CONFLICT (body, slot) DO UPDATE SET gen = gen + 1;
    INSERT INTO list_generations (body, slot, gen)
        SELECT p.body, 0, 1 FROM cases p WHERE p.folio = NEW.parent AND p.body <> NEW.body
        ON CONFLICT (body, slot) DO UPDATE SET gen = gen + 1;
END;

CREATE TRIGGER cases_list_generation_delete AFTER DELETE ON cases BEGIN
    INSERT INTO list_generations (body, slot, gen) VALUES (OLD.body, 0, 1)
        ON CONFLICT (body, slot) DO UPDATE SET gen = gen + 1;
    INSERT INTO list_generations (body, slot, gen)
        SELECT p.body, 0, 1 FROM cases p WHERE p.folio = OLD.parent AND p.body <> OLD.body
        ON CONFLICT (body, slot) DO UPDATE SET gen = gen + 1;
END;

-- Terms are written only with their case row (the row's update raises the generation);
-- an assignment is written alone, so it raises its own.
CREATE TRIGGER assignments_list_generation_insert AFTER INSERT ON assignments BEGIN
    INSERT INTO list_generations (body, slot, gen)
        SELECT c.body, 0, 1 FROM cases c WHERE c.folio = NEW.folio
        UNION SELECT p.body, 0, 1 FROM cases c JOIN cases p ON p.folio = c.parent WHERE c.folio = NEW.folio
        ON CONFLICT (body, slot) DO UPDATE SET gen = gen + 1;
END;

CREATE TRIGGER assignments_list_generation_update AFTER UPDATE ON assignments BEGIN
    INSERT INTO list_generations (body, slot, gen)
        SELECT c.body, 0, 1 FROM cases c WHERE c.folio IN (OLD.folio, NEW.folio)
        UNION SELECT p.body, 0, 1 FROM cases c JOIN cases p ON p.folio = c.parent WHERE c.folio IN (OLD.folio, NEW.folio)
        ON CONFLICT (body, slot) DO UPDATE SET gen = gen + 1;
END;

CREATE TRIGGER assignments_list_generation_delete AFTER DELETE ON assignments BEGIN
    INSERT INTO list_generations (body, slot, gen)
        SELECT c.body, 0, 1 FROM cases c WHERE c.folio = OLD.folio
        UNION SELECT p.body, 0, 1 FROM cases c JOIN cases p ON p.folio = c.parent WHERE c.folio = OLD.folio
        ON CONFLICT (body, slot) DO UPDATE SET gen = gen + 1;
END;
