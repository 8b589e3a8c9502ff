//! Integrations, with their app-event subscriptions and webhook tokens kept in index
//! tables written in the same transaction.

use junction_core::model::{Integration, Version};
use junction_core::ports::StoreError;
use rusqlite::{params, OptionalExtension};

use super::{put_versioned, sql_err, to_json, versioned_row, SqliteStore};
use crate::db::Cached;

type R<T> = Result<T, StoreError>;

impl SqliteStore {
    pub(crate) fn integration_put(&self, i: &Integration, expected: Option<Version>) -> R<Version> {
        let body = to_json(i)?;
        self.run(|c| {
            let tx = c.savepoint().map_err(sql_err)?;
            let v = put_versioned(
                &tx,
                "integrations",
                &[("ws", &i.workspace_id), ("id", &i.id)],
                &[("user_id", &i.user_id), ("flow_id", &i.flow_id)],
                &body,
                expected,
                &format!("integration '{}'", i.id),
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
    }

    pub(crate) fn integration_get(&self, ws: &str, id: &str) -> R<Option<Integration>> {
        Ok(self
            .query_versioned::<Integration>(
                "SELECT body, version FROM integrations WHERE ws = ?1 AND id = ?2",
                params![ws, id],
            )?
            .pop())
    }

    pub(crate) fn integrations_of_ws(&self, ws: &str) -> R<Vec<Integration>> {
        self.query_versioned(
            "SELECT body, version FROM integrations WHERE ws = ?1 ORDER BY id",
            params![ws],
        )
    }

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

    pub(crate) fn integrations_event(
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

    pub(crate) fn integration_by_token(&self, hash: &str) -> R<Option<Integration>> {
        self.run(|c| {
            let row: Option<(String, i64)> = c
                .row(
                    "SELECT i.body, i.version FROM webhook_tokens t JOIN integrations i ON i.ws = t.ws AND i.id = t.integration_id WHERE t.token_hash = ?1",
                    params![hash],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(sql_err)?;
            row.map(|(b, v)| versioned_row(b, v)).transpose()
        })
    }

    pub(crate) fn integration_delete(&self, ws: &str, id: &str) -> R<()> {
        self.run(|c| {
            let tx = c.savepoint().map_err(sql_err)?;
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
    }
}
