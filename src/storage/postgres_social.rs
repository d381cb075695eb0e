//! The register of social-media accounts on PostgreSQL.

use sqlx::Row;
use sqlx::postgres::PgRow;

use super::postgres::{corrupt, db};
use super::social::{
    AccountChange, AccountWithHistory, GestorName, PublicationRecord, SocialStore, StoredAccount,
};
use super::{PostgresStore, StoreError};
use crate::case::Role;

fn stored(r: &PgRow) -> StoredAccount {
    StoredAccount {
        id: r.get("id"),
        body: r.get("body"),
        version: r.get("version"),
        data: r.get("data"),
    }
}

fn names(json: &str) -> Result<Vec<GestorName>, StoreError> {
    let rows: Vec<(i64, String, Option<String>, Option<String>)> =
        serde_json::from_str(json).map_err(|e| corrupt("social_gestores", e))?;
    Ok(rows
        .into_iter()
        .map(|(gestor, name, position, email)| GestorName {
            gestor,
            name,
            position,
            email,
        })
        .collect())
}

const GESTORES: &str =
    "(SELECT COALESCE(json_agg(json_build_array(g.gestor, g.name, g.position, g.email)
     ORDER BY g.gestor), '[]')::text FROM social_gestores g WHERE g.account_id = a.id) AS gestores";

impl SocialStore for PostgresStore {
    async fn add_social_account(
        &self,
        body: &str,
        platform: &str,
        handle: &str,
        first: &AccountChange,
        data: &str,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool().begin().await.map_err(db)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO social_accounts (body, platform, handle, version, data, updated_at)
             VALUES ($1, $2, $3, 1, $4, $5) RETURNING id",
        )
        .bind(body)
        .bind(platform)
        .bind(handle)
        .bind(data)
        .bind(first.recorded_at.to_rfc3339())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Exists(format!("la cuenta «{handle}» de {platform} en el registro"))
            }
            _ => db(e),
        })?;
        insert_change(&mut tx, id, first).await?;
        tx.commit().await.map_err(db)?;
        Ok(id)
    }

    async fn change_social_account(
        &self,
        id: i64,
        version: i64,
        change: &AccountChange,
        data: &str,
        gestor: Option<&GestorName>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool().begin().await.map_err(db)?;
        let moved = sqlx::query(
            "UPDATE social_accounts SET version = version + 1, data = $1, updated_at = $2
             WHERE id = $3 AND version = $4",
        )
        .bind(data)
        .bind(change.recorded_at.to_rfc3339())
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if moved.rows_affected() != 1 {
            let actual: Option<i64> =
                sqlx::query_scalar("SELECT version FROM social_accounts WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db)?;
            return Err(match actual {
                Some(actual) => StoreError::Conflict {
                    folio: format!("cuenta {id}"),
                    expected: version,
                    actual,
                },
                None => StoreError::NotFound(format!("cuenta {id}")),
            });
        }
        insert_change(&mut tx, id, change).await?;
        if let Some(g) = gestor {
            sqlx::query(
                "INSERT INTO social_gestores (account_id, gestor, name, position, email) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (account_id, gestor) DO UPDATE SET name = excluded.name, position = excluded.position, email = excluded.email",
            )
            .bind(id)
            .bind(g.gestor)
            .bind(&g.name)
            .bind(&g.position)
            .bind(&g.email)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(version + 1)
    }

    async fn social_account(&self, id: i64) -> Result<Option<AccountWithHistory>, StoreError> {
        let Some(r) = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.body, a.version, a.data, {GESTORES} FROM social_accounts a WHERE a.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?
        else {
            return Ok(None);
        };
        let changes = sqlx::query(
            "SELECT seq, change, effective_on, actor, role, recorded_at
             FROM social_account_changes WHERE account_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await
        .map_err(db)?
        .iter()
        .map(|c| {
            let role: String = c.get("role");
            let on: chrono::NaiveDate = c.get("effective_on");
            let at: String = c.get("recorded_at");
            Ok(AccountChange {
                seq: c.get("seq"),
                change: c.get("change"),
                effective_on: on,
                actor: c.get("actor"),
                role: Role::parse(&role)
                    .ok_or_else(|| corrupt("social_account_changes.role", &role))?,
                recorded_at: chrono::DateTime::parse_from_rfc3339(&at)
                    .map_err(|_| corrupt("social_account_changes.recorded_at", &at))?
                    .with_timezone(&chrono::Utc),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some((stored(&r), changes, names(r.get("gestores"))?)))
    }

    async fn social_accounts(
        &self,
        bodies: Option<&[String]>,
    ) -> Result<Vec<(StoredAccount, Vec<GestorName>)>, StoreError> {
        let bodies: Option<Vec<String>> = bodies.map(<[String]>::to_vec);
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.body, a.version, a.data, {GESTORES} FROM social_accounts a
             WHERE $1::text[] IS NULL OR a.body = ANY($1)
             ORDER BY a.body, a.platform, a.handle"
        )))
        .bind(bodies)
        .fetch_all(self.pool())
        .await
        .map_err(db)?
        .iter()
        .map(|r| Ok((stored(r), names(r.get("gestores"))?)))
        .collect()
    }

    async fn restore_social_account(
        &self,
        account: &StoredAccount,
        platform: &str,
        handle: &str,
        changes: &[AccountChange],
        gestores: &[GestorName],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await.map_err(db)?;
        let updated = changes
            .last()
            .map(|c| c.recorded_at)
            .unwrap_or_else(chrono::Utc::now);
        sqlx::query(
            "INSERT INTO social_accounts (id, body, platform, handle, version, data, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(account.id)
        .bind(&account.body)
        .bind(platform)
        .bind(handle)
        .bind(account.version)
        .bind(&account.data)
        .bind(updated.to_rfc3339())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        for c in changes {
            insert_change(&mut tx, account.id, c).await?;
        }
        for g in gestores {
            sqlx::query(
                "INSERT INTO social_gestores (account_id, gestor, name, position, email) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(account.id)
            .bind(g.gestor)
            .bind(&g.name)
            .bind(&g.position)
            .bind(&g.email)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        // The next account registered gets the next number.
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('social_accounts', 'id'),
                           (SELECT max(id) FROM social_accounts))",
        )
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn erase_social_gestor(
        &self,
        id: i64,
        gestor: i64,
        data: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await.map_err(db)?;
        let r = sqlx::query(
            "UPDATE social_gestores SET name = '(nombre suprimido)', position = NULL, email = NULL
             WHERE account_id = $1 AND gestor = $2",
        )
        .bind(id)
        .bind(gestor)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if r.rows_affected() != 1 {
            return Err(StoreError::NotFound(format!(
                "el gestor {gestor} de la cuenta {id}"
            )));
        }
        sqlx::query("UPDATE social_accounts SET data = $1 WHERE id = $2")
            .bind(data)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn set_publication(&self, r: &PublicationRecord) -> Result<(), StoreError> {
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT (SELECT count(*) FROM cases WHERE folio = $1) * (SELECT count(*) FROM social_accounts WHERE id = $2)",
        )
        .bind(&r.folio)
        .bind(r.account_id)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        if exists.unwrap_or(0) == 0 {
            return Err(StoreError::NotFound(r.folio.clone()));
        }
        sqlx::query(
            "INSERT INTO request_publications (folio, account_id, post, captured_at, action, preserved, acted_on, acted_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (folio) DO UPDATE SET account_id = excluded.account_id, post = excluded.post,
                 captured_at = excluded.captured_at, action = excluded.action, preserved = excluded.preserved,
                 acted_on = excluded.acted_on, acted_by = excluded.acted_by, recorded_at = excluded.recorded_at",
        )
        .bind(&r.folio)
        .bind(r.account_id)
        .bind(&r.post)
        .bind(&r.captured_at)
        .bind(&r.action)
        .bind(r.preserved)
        .bind(r.acted_on.map(|d| d.to_string()))
        .bind(&r.acted_by)
        .bind(r.recorded_at.to_rfc3339())
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn publication(&self, folio: &str) -> Result<Option<PublicationRecord>, StoreError> {
        sqlx::query("SELECT * FROM request_publications WHERE folio = $1")
            .bind(folio)
            .fetch_optional(self.pool())
            .await
            .map_err(db)?
            .as_ref()
            .map(publication)
            .transpose()
    }

    async fn publications(&self) -> Result<Vec<PublicationRecord>, StoreError> {
        sqlx::query("SELECT * FROM request_publications ORDER BY folio")
            .fetch_all(self.pool())
            .await
            .map_err(db)?
            .iter()
            .map(publication)
            .collect()
    }

    async fn forget_publication(&self, folio: &str) -> Result<bool, StoreError> {
        let r = sqlx::query("DELETE FROM request_publications WHERE folio = $1")
            .bind(folio)
            .execute(self.pool())
            .await
            .map_err(db)?;
        Ok(r.rows_affected() > 0)
    }
}

fn publication(r: &PgRow) -> Result<PublicationRecord, StoreError> {
    let acted: Option<String> = r.get("acted_on");
    let at: String = r.get("recorded_at");
    Ok(PublicationRecord {
        folio: r.get("folio"),
        account_id: r.get("account_id"),
        post: r.get("post"),
        captured_at: r.get("captured_at"),
        action: r.get("action"),
        preserved: r.get::<Option<bool>, _>("preserved"),
        acted_on: acted
            .map(|d| {
                d.parse()
                    .map_err(|_| corrupt("request_publications.acted_on", &d))
            })
            .transpose()?,
        acted_by: r.get("acted_by"),
        recorded_at: chrono::DateTime::parse_from_rfc3339(&at)
            .map_err(|_| corrupt("request_publications.recorded_at", &at))?
            .with_timezone(&chrono::Utc),
    })
}

async fn insert_change(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    id: i64,
    c: &AccountChange,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO social_account_changes (account_id, seq, change, effective_on, actor, role, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(c.seq)
    .bind(&c.change)
    .bind(c.effective_on)
    .bind(&c.actor)
    .bind(c.role.as_str())
    .bind(c.recorded_at.to_rfc3339())
    .execute(&mut **tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict {
            folio: format!("cuenta {id}"),
            expected: c.seq - 1,
            actual: c.seq,
        },
        _ => db(e),
    })?;
    Ok(())
}
