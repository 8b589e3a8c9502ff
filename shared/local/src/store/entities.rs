//! Workspaces, apps, flow versions and heads, users and accounts.

use chrono::{DateTime, Utc};
use junction_core::model::{Account, AppRecord, FlowHead, FlowVersion, User, Version, Workspace};
use junction_core::ports::StoreError;
use rusqlite::{params, OptionalExtension};

use super::{from_json, put_versioned, sql_err, to_json, versioned_row, SqliteStore};
use crate::db::Cached;

type R<T> = Result<T, StoreError>;

impl SqliteStore {
    pub(crate) fn ws_create(&self, ws: &Workspace) -> R<Version> {
        let body = to_json(ws)?;
        self.run(|c| {
            put_versioned(
                c,
                "workspaces",
                &[("id", &ws.id)],
                &[("app_key", &ws.app_key)],
                &body,
                None,
                &format!("workspace '{}' (or its app key)", ws.id),
            )
        })
    }

    pub(crate) fn ws_update(&self, ws: &Workspace, expected: Version) -> R<Version> {
        let body = to_json(ws)?;
        self.run(|c| {
            put_versioned(
                c,
                "workspaces",
                &[("id", &ws.id)],
                &[("app_key", &ws.app_key)],
                &body,
                Some(expected),
                &format!("workspace '{}'", ws.id),
            )
        })
    }

    pub(crate) fn ws_get(&self, column: &str, value: &str) -> R<Option<Workspace>> {
        let sql = format!("SELECT body, version FROM workspaces WHERE {column} = ?1");
        self.run(|c| {
            let row: Option<(String, i64)> = c
                .row(&sql, params![value], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(sql_err)?;
            row.map(|(b, v)| versioned_row(b, v)).transpose()
        })
    }

    pub(crate) fn app_put(&self, app: &AppRecord, expected: Option<Version>) -> R<Version> {
        let body = to_json(app)?;
        let id = &app.definition.id;
        self.run(|c| {
            put_versioned(
                c,
                "apps",
                &[("ws", &app.workspace_id), ("id", id)],
                &[],
                &body,
                expected,
                &format!("app '{id}'"),
            )
        })
    }

    pub(crate) fn app_get(&self, ws: &str, id: &str) -> R<Option<AppRecord>> {
        self.run(|c| {
            let row: Option<(String, i64)> = c
                .row(
                    "SELECT body, version FROM apps WHERE ws = ?1 AND id = ?2",
                    params![ws, id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(sql_err)?;
            row.map(|(b, v)| versioned_row(b, v)).transpose()
        })
    }

    pub(crate) fn app_list(&self, ws: &str) -> R<Vec<AppRecord>> {
        self.query_versioned(
            "SELECT body, version FROM apps WHERE ws = ?1 ORDER BY id",
            params![ws],
        )
    }

    pub(crate) fn flow_version_add(&self, v: &FlowVersion) -> R<()> {
        let body = to_json(v)?;
        self.run(|c| {
            match c.exec(
                "INSERT INTO flow_versions (ws, flow_id, number, body) VALUES (?1, ?2, ?3, ?4)",
                params![v.workspace_id, v.flow_id, v.number, body],
            ) {
                Ok(_) => Ok(()),
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Err(StoreError::Conflict(format!(
                        "version {} of flow '{}' already exists (versions are immutable)",
                        v.number, v.flow_id
                    )))
                }
                Err(e) => Err(sql_err(e)),
            }
        })
    }

    pub(crate) fn flow_version_get(
        &self,
        ws: &str,
        flow: &str,
        number: u32,
    ) -> R<Option<FlowVersion>> {
        self.run(|c| {
            let body: Option<String> = c
                .row(
                    "SELECT body FROM flow_versions WHERE ws = ?1 AND flow_id = ?2 AND number = ?3",
                    params![ws, flow, number],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sql_err)?;
            body.map(|b| from_json(&b)).transpose()
        })
    }

    pub(crate) fn flow_head_put(&self, head: &FlowHead, expected: Option<Version>) -> R<Version> {
        let body = to_json(head)?;
        let published = head.published.is_some();
        self.run(|c| {
            let tx = c.savepoint().map_err(sql_err)?;
            let v = put_versioned(
                &tx,
                "flow_heads",
                &[("ws", &head.workspace_id), ("id", &head.flow_id)],
                &[("published", &published)],
                &body,
                expected,
                &format!("flow '{}'", head.flow_id),
            )?;
            // The tag index lists published flows only: it is what the marketplace reads.
            tx.exec(
                "DELETE FROM flow_tags WHERE ws = ?1 AND flow_id = ?2",
                params![head.workspace_id, head.flow_id],
            )
            .map_err(sql_err)?;
            if published {
                for tag in &head.tags {
                    tx.exec(
                        "INSERT OR IGNORE INTO flow_tags (ws, tag, flow_id) VALUES (?1, ?2, ?3)",
                        params![head.workspace_id, tag, head.flow_id],
                    )
                    .map_err(sql_err)?;
                }
            }
            tx.commit().map_err(sql_err)?;
            Ok(v)
        })
    }

    pub(crate) fn flow_head_get(&self, ws: &str, flow: &str) -> R<Option<FlowHead>> {
        Ok(self
            .query_versioned::<FlowHead>(
                "SELECT body, version FROM flow_heads WHERE ws = ?1 AND id = ?2",
                params![ws, flow],
            )?
            .pop())
    }

    pub(crate) fn flow_heads(&self, ws: &str) -> R<Vec<FlowHead>> {
        self.query_versioned(
            "SELECT body, version FROM flow_heads WHERE ws = ?1 ORDER BY id",
            params![ws],
        )
    }

    pub(crate) fn ws_list(&self) -> R<Vec<Workspace>> {
        self.query_versioned(
            "SELECT body, version FROM workspaces ORDER BY id",
            params![],
        )
    }

    pub(crate) fn flows_tagged(&self, ws: &str, tag: Option<&str>) -> R<Vec<FlowHead>> {
        match tag {
            Some(tag) => self.query_versioned(
                "SELECT h.body, h.version FROM flow_tags t JOIN flow_heads h ON h.ws = t.ws AND h.id = t.flow_id WHERE t.ws = ?1 AND t.tag = ?2 ORDER BY h.id",
                params![ws, tag],
            ),
            None => self.query_versioned("SELECT body, version FROM flow_heads WHERE ws = ?1 AND published = 1 ORDER BY id", params![ws]),
        }
    }

    pub(crate) fn user_ensure(&self, ws: &str, user_id: &str, now: DateTime<Utc>) -> R<User> {
        let fresh = User {
            workspace_id: ws.into(),
            user_id: user_id.into(),
            created_at: now,
        };
        let body = to_json(&fresh)?;
        self.run(|c| {
            c.exec(
                "INSERT OR IGNORE INTO users (ws, id, body) VALUES (?1, ?2, ?3)",
                params![ws, user_id, body],
            )
            .map_err(sql_err)?;
            let stored: String = c
                .row(
                    "SELECT body FROM users WHERE ws = ?1 AND id = ?2",
                    params![ws, user_id],
                    |r| r.get(0),
                )
                .map_err(sql_err)?;
            from_json(&stored)
        })
    }

    pub(crate) fn account_put(&self, a: &Account, expected: Option<Version>) -> R<Version> {
        let body = to_json(a)?;
        self.run(|c| {
            put_versioned(
                c,
                "accounts",
                &[("ws", &a.workspace_id), ("id", &a.id)],
                &[("user_id", &a.user_id), ("app_id", &a.app_id)],
                &body,
                expected,
                &format!("account '{}'", a.id),
            )
        })
    }

    pub(crate) fn account_get(&self, ws: &str, id: &str) -> R<Option<Account>> {
        Ok(self
            .query_versioned::<Account>(
                "SELECT body, version FROM accounts WHERE ws = ?1 AND id = ?2",
                params![ws, id],
            )?
            .pop())
    }

    pub(crate) fn accounts_of(&self, ws: &str, user: &str, app: Option<&str>) -> R<Vec<Account>> {
        match app {
            Some(app) => self.query_versioned(
                "SELECT body, version FROM accounts WHERE ws = ?1 AND user_id = ?2 AND app_id = ?3 ORDER BY id",
                params![ws, user, app],
            ),
            None => self.query_versioned("SELECT body, version FROM accounts WHERE ws = ?1 AND user_id = ?2 ORDER BY id", params![ws, user]),
        }
    }

    pub(crate) fn account_delete(&self, ws: &str, id: &str) -> R<()> {
        self.run(|c| {
            c.exec(
                "DELETE FROM accounts WHERE ws = ?1 AND id = ?2",
                params![ws, id],
            )
            .map(|_| ())
            .map_err(sql_err)
        })
    }

    /// Rows of `(body, version)` decoded as versioned records.
    pub(crate) fn query_versioned<
        T: serde::de::DeserializeOwned + junction_core::model::Versioned,
    >(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> R<Vec<T>> {
        self.run(|c| {
            let mut stmt = c.prepare_cached(sql).map_err(sql_err)?;
            let rows: Vec<(String, i64)> = stmt
                .query_map(params, |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(sql_err)?
                .collect::<Result<_, _>>()
                .map_err(sql_err)?;
            rows.into_iter().map(|(b, v)| versioned_row(b, v)).collect()
        })
    }
}
