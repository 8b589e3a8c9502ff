//! `IntegrationStore` on SQLite: integrations, with their app-event subscriptions and webhook tokens kept in index
//! tables written in the same transaction.

use junction_core::model::{Integration, Version};
use junction_core::ports::{IntegrationStore, StoreError};
use rusqlite::params;

use super::{put_versioned, sql_err, to_json, SqliteStore};
use crate::db::Cached;
use crate::savepoint::Savepoint;

type R<T> = Result<T, StoreError>;

impl SqliteStore {
    pub(crate) fn integrations_where(
        &self,
        ws: &str,
        column: &str,
        value: &str,
    ) -> R<Vec<Integration>> {
        let sql = format!(
            "SELECT body, version FROM integrations WHERE ws = ?1 AND {column} = ?2 ORDER BY id"
        );
        self.query_versioned(&sql, params![ws, value])
    }

    /// The integration in the one row `sql` finds, decoded again only when the row
    /// changed since it was last read under `key` (see `decoded`).
    fn integration_row(
        &self,
        key: &str,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> R<Option<Integration>> {
        self.body_row(sql, params)?
            .map(|(b, v)| self.integrations.decode(key, b, v))
            .transpose()
    }
}

impl IntegrationStore for SqliteStore {
    async fn put_integration(&self, i: &Integration, expected: Option<Version>) -> R<Version> {
        self.db.write(|| {
            let body = to_json(i)?;
            self.run(|c| {
                let tx = Savepoint::begin(c).map_err(sql_err)?;
                let v = put_versioned(
                    &tx,
                    "integrations",
                    &[("ws", &i.workspace_id), ("id", &i.id)],
                    &[("user_id", &i.user_id), ("flow_id", &i.flow_id)],
                    &body,
                    expected,
                    || format!("integration '{}'", i.id),
                )?;
                tx.exec("DELETE FROM integration_events WHERE ws = ?1 AND integration_id = ?2", params![i.workspace_id, i.id]).map_err(sql_err)?;
                for event in &i.events {
                    tx.exec(
                        "INSERT OR IGNORE INTO integration_events (ws, event, integration_id, user_id) VALUES (?1, ?2, ?3, ?4)",
                        params![i.workspace_id, event, i.id, i.user_id],
                    )
                    .map_err(sql_err)?;
                }
                tx.exec("DELETE FROM webhook_tokens WHERE ws = ?1 AND integration_id = ?2", params![i.workspace_id, i.id]).map_err(sql_err)?;
                for hash in &i.webhook_token_hashes {
                    match tx.exec("INSERT INTO webhook_tokens (token_hash, ws, integration_id) VALUES (?1, ?2, ?3)", params![hash, i.workspace_id, i.id]) {
                        Ok(_) => {}
                        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
                            return Err(StoreError::Conflict("a webhook token is already in use".into()))
                        }
                        Err(e) => return Err(sql_err(e)),
                    }
                }
                tx.commit().map_err(sql_err)?;
                Ok(v)
            })
        })
        .await
    }

    async fn get_integration(&self, ws: &str, id: &str) -> R<Option<Integration>> {
        self.integration_row(
            id,
            "SELECT body, version FROM integrations WHERE ws = ?1 AND id = ?2",
            params![ws, id],
        )
    }

    async fn integrations_of_user(&self, ws: &str, user_id: &str) -> R<Vec<Integration>> {
        self.integrations_where(ws, "user_id", user_id)
    }

    async fn integrations_of_flow(&self, ws: &str, flow_id: &str) -> R<Vec<Integration>> {
        self.integrations_where(ws, "flow_id", flow_id)
    }

    async fn integrations_for_event(
        &self,
        ws: &str,
        event: &str,
        user: Option<&str>,
    ) -> R<Vec<Integration>> {
        match user {
            Some(user) => self.query_versioned(
                "SELECT i.body, i.version FROM integration_events e JOIN integrations i ON i.ws = e.ws AND i.id = e.integration_id
                 WHERE e.ws = ?1 AND e.event = ?2 AND e.user_id = ?3 ORDER BY i.id",
                params![ws, event, user],
            ),
            None => self.query_versioned(
                "SELECT i.body, i.version FROM integration_events e JOIN integrations i ON i.ws = e.ws AND i.id = e.integration_id
                 WHERE e.ws = ?1 AND e.event = ?2 ORDER BY i.id",
                params![ws, event],
            ),
        }
    }

    async fn integration_by_webhook_token(&self, hash: &str) -> R<Option<Integration>> {
        self.integration_row(
            hash,
            "SELECT i.body, i.version FROM webhook_tokens t JOIN integrations i ON i.ws = t.ws AND i.id = t.integration_id WHERE t.token_hash = ?1",
            params![hash],
        )
    }

    async fn delete_integration(&self, ws: &str, id: &str) -> R<()> {
        self.db
            .write(|| {
                self.run(|c| {
                    let tx = Savepoint::begin(c).map_err(sql_err)?;
                    for table in ["integration_events", "webhook_tokens"] {
                        tx.exec(
                            &format!("DELETE FROM {table} WHERE ws = ?1 AND integration_id = ?2"),
                            params![ws, id],
                        )
                        .map_err(sql_err)?;
                    }
                    tx.exec(
                        "DELETE FROM integrations WHERE ws = ?1 AND id = ?2",
                        params![ws, id],
                    )
                    .map_err(sql_err)?;
                    tx.commit().map_err(sql_err)
                })
            })
            .await
    }

    async fn integrations_of_workspace(&self, ws: &str) -> R<Vec<Integration>> {
        self.query_versioned(
            "SELECT body, version FROM integrations WHERE ws = ?1 ORDER BY id",
            params![ws],
        )
    }
}
