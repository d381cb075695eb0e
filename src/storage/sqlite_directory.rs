//! The directory (bodies, accounts, tokens) on SQLite.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::directory::{
    AccountRecord, BodyRecord, CaseScope, Directory, DirectoryDump, TokenRecord, directory_time,
};
use super::sqlite::{corrupt, db};
use super::{SqliteStore, StoreError};
use crate::accounts::{Account, Body, BodyKind, NewAccount, NewToken, TokenKind};
use crate::case::Role;

fn unique(e: sqlx::Error, what: String) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Exists(what),
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::NotFound(format!("{what}: refiere a un sujeto obligado inexistente"))
        }
        _ => db(e),
    }
}

fn body_row(r: &SqliteRow) -> Result<Body, StoreError> {
    let kind: String = r.get("kind");
    Ok(Body {
        code: r.get("code"),
        name: r.get("name"),
        kind: BodyKind::parse(&kind).ok_or_else(|| corrupt("bodies.kind", &kind))?,
        calendar: r.get("calendar"),
        guarantor: r.get("guarantor"),
    })
}

fn account_row(r: &SqliteRow) -> Result<Account, StoreError> {
    let role: String = r.get("role");
    Ok(Account {
        id: r.get("id"),
        username: r.get("username"),
        display_name: r.get("display_name"),
        body: r.get("body"),
        role: Role::parse(&role).ok_or_else(|| corrupt("accounts.role", &role))?,
        active: r.get::<i64, _>("active") != 0,
        password_hash: r.get("password_hash"),
    })
}

fn token_row(r: &SqliteRow) -> Result<TokenRecord, StoreError> {
    let time = |c: &str| -> Result<Option<DateTime<Utc>>, StoreError> {
        r.get::<Option<String>, _>(c)
            .map(|s| {
                DateTime::parse_from_rfc3339(&s)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| corrupt(c, e))
            })
            .transpose()
    };
    let kind: String = r.get("kind");
    Ok(TokenRecord {
        digest: r.get("digest"),
        account_id: r.get("account_id"),
        kind: TokenKind::parse(&kind).ok_or_else(|| corrupt("tokens.kind", &kind))?,
        label: r.get("label"),
        created_at: time("created_at")?.ok_or_else(|| corrupt("tokens.created_at", "NULL"))?,
        expires_at: time("expires_at")?,
        revoked_at: time("revoked_at")?,
    })
}

impl Directory for SqliteStore {
    async fn add_body(&self, body: &Body, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO bodies (code, name, kind, calendar, guarantor, created_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&body.code)
        .bind(&body.name)
        .bind(body.kind.as_str())
        .bind(&body.calendar)
        .bind(&body.guarantor)
        .bind(directory_time(now).to_rfc3339())
        .execute(self.pool())
        .await
        .map_err(|e| unique(e, format!("el sujeto obligado «{}»", body.code)))?;
        Ok(())
    }

    async fn body(&self, code: &str) -> Result<Option<Body>, StoreError> {
        sqlx::query("SELECT * FROM bodies WHERE code = ?")
            .bind(code)
            .fetch_optional(self.pool())
            .await
            .map_err(db)?
            .as_ref()
            .map(body_row)
            .transpose()
    }

    async fn bodies(&self) -> Result<Vec<Body>, StoreError> {
        sqlx::query("SELECT * FROM bodies ORDER BY code")
            .fetch_all(self.pool())
            .await
            .map_err(db)?
            .iter()
            .map(body_row)
            .collect()
    }

    async fn add_account(&self, a: &NewAccount, now: DateTime<Utc>) -> Result<Account, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO accounts (username, display_name, body, role, password_hash, created_at)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&a.username)
        .bind(&a.display_name)
        .bind(&a.body)
        .bind(a.role.as_str())
        .bind(&a.password_hash)
        .bind(directory_time(now).to_rfc3339())
        .fetch_one(self.pool())
        .await
        .map_err(|e| unique(e, format!("la cuenta «{}»", a.username)))?;
        Ok(Account {
            id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            body: a.body.clone(),
            role: a.role,
            active: true,
            password_hash: a.password_hash.clone(),
        })
    }

    async fn account(&self, username: &str) -> Result<Option<Account>, StoreError> {
        sqlx::query("SELECT * FROM accounts WHERE username = ?")
            .bind(username)
            .fetch_optional(self.pool())
            .await
            .map_err(db)?
            .as_ref()
            .map(account_row)
            .transpose()
    }

    async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        sqlx::query("SELECT * FROM accounts ORDER BY username")
            .fetch_all(self.pool())
            .await
            .map_err(db)?
            .iter()
            .map(account_row)
            .collect()
    }

    async fn update_account(
        &self,
        username: &str,
        password_hash: Option<&str>,
        active: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (_turn, mut tx) = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE accounts SET password_hash = COALESCE(?, password_hash), active = ?
             WHERE username = ?",
        )
        .bind(password_hash)
        .bind(active as i64)
        .bind(username)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if n > 0 && (!active || password_hash.is_some()) {
            // A new password or a deactivation ends every session and feed; a
            // deactivation also ends API tokens.
            sqlx::query(
                "UPDATE tokens SET revoked_at = ?
                 WHERE revoked_at IS NULL AND (kind IN ('session', 'feed') OR ?)
                   AND account_id = (SELECT id FROM accounts WHERE username = ?)",
            )
            .bind(directory_time(now).to_rfc3339())
            .bind(!active)
            .bind(username)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(n > 0)
    }

    async fn add_token(&self, t: &NewToken, now: DateTime<Utc>) -> Result<(), StoreError> {
        let (_turn, mut tx) = self.begin_write().await?;
        if t.kind == TokenKind::Feed {
            sqlx::query(
                "UPDATE tokens SET revoked_at = ?
                 WHERE account_id = ? AND kind = 'feed' AND revoked_at IS NULL",
            )
            .bind(directory_time(now).to_rfc3339())
            .bind(t.account)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        sqlx::query(
            "INSERT INTO tokens (digest, account_id, kind, label, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&t.digest)
        .bind(t.account)
        .bind(t.kind.as_str())
        .bind(&t.label)
        .bind(directory_time(now).to_rfc3339())
        .bind(t.expires_at.map(|e| directory_time(e).to_rfc3339()))
        .execute(&mut *tx)
        .await
        .map_err(|e| unique(e, "un token con ese resumen".to_string()))?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn token(
        &self,
        digest: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Account, TokenKind)>, StoreError> {
        let Some(r) = sqlx::query(
            "SELECT a.*, t.kind AS token_kind, t.expires_at FROM tokens t
             JOIN accounts a ON a.id = t.account_id
             WHERE t.digest = ? AND t.revoked_at IS NULL AND a.active = 1",
        )
        .bind(digest)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?
        else {
            return Ok(None);
        };
        if let Some(exp) = r.get::<Option<String>, _>("expires_at") {
            let exp =
                DateTime::parse_from_rfc3339(&exp).map_err(|e| corrupt("tokens.expires_at", e))?;
            if exp <= now {
                return Ok(None);
            }
        }
        let kind: String = r.get("token_kind");
        let kind = TokenKind::parse(&kind).ok_or_else(|| corrupt("tokens.kind", &kind))?;
        Ok(Some((account_row(&r)?, kind)))
    }

    async fn directory_dump(&self) -> Result<DirectoryDump, StoreError> {
        let time = |s: String, what: &str| {
            DateTime::parse_from_rfc3339(&s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| corrupt(what, e))
        };
        let mut dump = DirectoryDump::default();
        // Guarantors (no guarantor of their own) first.
        for r in sqlx::query("SELECT * FROM bodies ORDER BY guarantor IS NOT NULL, code")
            .fetch_all(self.pool())
            .await
            .map_err(db)?
        {
            dump.bodies.push(BodyRecord {
                body: body_row(&r)?,
                created_at: time(r.get("created_at"), "bodies.created_at")?,
            });
        }
        for r in sqlx::query("SELECT * FROM accounts ORDER BY id")
            .fetch_all(self.pool())
            .await
            .map_err(db)?
        {
            let a = account_row(&r)?;
            dump.accounts.push(AccountRecord {
                id: a.id,
                username: a.username,
                display_name: a.display_name,
                body: a.body,
                role: a.role,
                password_hash: a.password_hash,
                active: a.active,
                created_at: time(r.get("created_at"), "accounts.created_at")?,
            });
        }
        for r in sqlx::query("SELECT * FROM tokens ORDER BY created_at, digest")
            .fetch_all(self.pool())
            .await
            .map_err(db)?
        {
            dump.tokens.push(token_row(&r)?);
        }
        Ok(dump)
    }

    async fn directory_restore(&self, dump: &DirectoryDump) -> Result<(), StoreError> {
        let (_turn, mut tx) = self.begin_write().await?;
        let present: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM bodies) + (SELECT COUNT(*) FROM accounts)",
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        if present > 0 {
            return Err(StoreError::Exists(
                "un directorio (sujetos obligados o cuentas) en la base de destino".into(),
            ));
        }
        for b in &dump.bodies {
            sqlx::query(
                "INSERT INTO bodies (code, name, kind, calendar, guarantor, created_at)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&b.body.code)
            .bind(&b.body.name)
            .bind(b.body.kind.as_str())
            .bind(&b.body.calendar)
            .bind(&b.body.guarantor)
            .bind(b.created_at.to_rfc3339())
            .execute(&mut *tx)
            .await
            .map_err(|e| unique(e, format!("el sujeto obligado «{}»", b.body.code)))?;
        }
        for a in &dump.accounts {
            sqlx::query(
                "INSERT INTO accounts (id, username, display_name, body, role, password_hash, active, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(a.id)
            .bind(&a.username)
            .bind(&a.display_name)
            .bind(&a.body)
            .bind(a.role.as_str())
            .bind(&a.password_hash)
            .bind(a.active as i64)
            .bind(a.created_at.to_rfc3339())
            .execute(&mut *tx)
            .await
            .map_err(|e| unique(e, format!("la cuenta «{}»", a.username)))?;
        }
        for t in &dump.tokens {
            sqlx::query(
                "INSERT INTO tokens (digest, account_id, kind, label, created_at, expires_at, revoked_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&t.digest)
            .bind(t.account_id)
            .bind(t.kind.as_str())
            .bind(&t.label)
            .bind(t.created_at.to_rfc3339())
            .bind(t.expires_at.map(|x| x.to_rfc3339()))
            .bind(t.revoked_at.map(|x| x.to_rfc3339()))
            .execute(&mut *tx)
            .await
            .map_err(|e| unique(e, "un token repetido".to_string()))?;
        }
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn revoke_token(&self, digest: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let n =
            sqlx::query("UPDATE tokens SET revoked_at = ? WHERE digest = ? AND revoked_at IS NULL")
                .bind(directory_time(now).to_rfc3339())
                .bind(digest)
                .execute(self.pool())
                .await
                .map_err(db)?
                .rows_affected();
        Ok(n > 0)
    }

    async fn tokens_of(&self, username: &str) -> Result<Vec<TokenRecord>, StoreError> {
        sqlx::query(
            "SELECT t.* FROM tokens t JOIN accounts a ON a.id = t.account_id
             WHERE a.username = ? ORDER BY t.created_at, t.digest",
        )
        .bind(username)
        .fetch_all(self.pool())
        .await
        .map_err(db)?
        .iter()
        .map(token_row)
        .collect()
    }

    async fn revoke_tokens(
        &self,
        username: &str,
        kind: Option<TokenKind>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let n = sqlx::query(
            "UPDATE tokens SET revoked_at = ?
             WHERE revoked_at IS NULL AND (? IS NULL OR kind = ?)
               AND account_id = (SELECT id FROM accounts WHERE username = ?)",
        )
        .bind(directory_time(now).to_rfc3339())
        .bind(kind.map(TokenKind::as_str))
        .bind(kind.map(TokenKind::as_str))
        .bind(username)
        .execute(self.pool())
        .await
        .map_err(db)?
        .rows_affected();
        Ok(n)
    }

    async fn case_scope(&self, folio: &str) -> Result<Option<CaseScope>, StoreError> {
        Ok(sqlx::query(
            "SELECT c.kind, c.body, p.body AS parent_body FROM cases c
             LEFT JOIN cases p ON p.folio = c.parent
             WHERE c.folio = ?",
        )
        .bind(folio)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?
        .map(|r| CaseScope {
            kind: r.get("kind"),
            body: r.get("body"),
            parent_body: r.get("parent_body"),
        }))
    }
}
