-- One live calendar-feed token per account, and none without an end: of each account's
-- live feed tokens only the newest stays, and a feed token without expiry gets one year
-- from now (to the second, as the directory writes times).
UPDATE tokens SET revoked_at = date_trunc('second', now())
WHERE kind = 'feed' AND revoked_at IS NULL
  AND EXISTS (
      SELECT 1 FROM tokens newer
      WHERE newer.account_id = tokens.account_id AND newer.kind = 'feed'
        AND newer.revoked_at IS NULL
        AND (newer.created_at > tokens.created_at
             OR (newer.created_at = tokens.created_at AND newer.digest > tokens.digest))
  );
UPDATE tokens SET expires_at = date_trunc('second', now()) + interval '365 days'
WHERE kind = 'feed' AND expires_at IS NULL AND revoked_at IS NULL;
