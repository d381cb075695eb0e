-- A gestor's e-mail address (issue 18), kept with their name, apart from the history and
-- erasable with it: the fulfilment alert of a request about a post on the account and the
-- reminder to change the passwords when a gestor leaves (`002_…`, Décima quinta) go to
-- the account's gestores who have one.
ALTER TABLE social_gestores ADD COLUMN email TEXT;
