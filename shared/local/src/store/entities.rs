//! `WorkspaceStore` and `AccountStore` on SQLite: workspaces, apps, flow versions and
//! heads, users and accounts.

use chrono::{DateTime, Utc};
use junction_core::model::{Account, AppRecord, FlowHead, FlowVersion, User, Version, Workspace};
use junction_core::ports::{AccountStore, StoreError, WorkspaceStore};
use rusqlite::{params, OptionalExtension};

use super::{from_json, put_versioned, sql_err, to_json, versioned_row, SqliteStore};
use crate::db::Cached;
use crate::savepoint::Savepoint;

type R<T> = Result<T, StoreError>;

impl SqliteStore {
    /// Creates (`expected: None`) or updates a workspace, keeping its app-key index.
    fn ws_put(&self, ws: &Workspace, expected: Option<Version>, what: &str) -> R<Version> {
        let body = to_json(ws)?;
        self.run(|c| {
            put_versioned(
                c,
                "workspaces",
                &[("id", &ws.id)],
                &[("app_key", &ws.app_key)],
                &body,
                expected,
                || what.to_string(),
            )
        })
    }

    pub(crate) fn ws_get(&self, column: &str, value: &str) -> R<Option<Workspace>> {
        let sql = format!("SELECT body, version FROM workspaces WHERE {column} = ?1");
        self.body_row(&sql, params![value])?
            .map(|(b, v)| self.workspaces.decode(value, b, v))
            .transpose()
    }

    /// Rows of `(body, version)` decoded as versioned records.
    pub(crate) fn query_versioned<
        T: serde::de::DeserializeOwned + junction_core::model::Versioned,
    >(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> R<Vec<T>> {
        let rows: Vec<(String, i64)> = self.run(|c| {
            let mut stmt = c.prepare_cached(sql).map_err(sql_err)?;
            let rows = stmt
                .query_map(params, |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(sql_err)?
                .collect::<Result<_, _>>()
                .map_err(sql_err)?;
            Ok(rows)
        })?;
        rows.into_iter()
            .map(|(b, v)| versioned_row(&b, v))
            .collect()
    }
}

impl WorkspaceStore for SqliteStore {
    async fn create_workspace(&self, ws: &Workspace) -> R<Version> {
        let what = format!("workspace '{}' (or its app key)", ws.id);
        self.db.write(|| self.ws_put(ws, None, &what)).await
    }

    async fn update_workspace(&self, ws: &Workspace, expected: Version) -> R<Version> {
        let what = format!("workspace '{}'", ws.id);
        self.db
            .write(|| self.ws_put(ws, Some(expected), &what))
            .await
    }

    async fn get_workspace(&self, id: &str) -> R<Option<Workspace>> {
        self.ws_get("id", id)
    }

    async fn workspace_by_app_key(&self, app_key: &str) -> R<Option<Workspace>> {
        self.ws_get("app_key", app_key)
    }

    async fn list_workspaces(&self) -> R<Vec<Workspace>> {
        self.query_versioned(
            "SELECT body, version FROM workspaces ORDER BY id",
            params![],
        )
    }

    async fn put_app(&self, app: &AppRecord, expected: Option<Version>) -> R<Version> {
        self.db
            .write(|| {
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
                        || format!("app '{id}'"),
                    )
                })
            })
            .await
    }

    async fn get_app(&self, ws: &str, id: &str) -> R<Option<AppRecord>> {
        self.body_row(
            "SELECT body, version FROM apps WHERE ws = ?1 AND id = ?2",
            params![ws, id],
        )?
        .map(|(b, v)| versioned_row(&b, v))
        .transpose()
    }

    async fn list_apps(&self, ws: &str) -> R<Vec<AppRecord>> {
        self.query_versioned(
            "SELECT body, version FROM apps WHERE ws = ?1 ORDER BY id",
            params![ws],
        )
    }

    async fn add_flow_version(&self, v: &FlowVersion) -> R<()> {
        self.db
            .write(|| {
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
            })
            .await
    }

    async fn get_flow_version(&self, ws: &str, flow: &str, number: u32) -> R<Option<FlowVersion>> {
        let body: Option<String> = self.run(|c| {
            c.row(
                "SELECT body FROM flow_versions WHERE ws = ?1 AND flow_id = ?2 AND number = ?3",
                params![ws, flow, number],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql_err)
        })?;
        body.map(|b| from_json(&b)).transpose()
    }

    async fn put_flow_head(&self, head: &FlowHead, expected: Option<Version>) -> R<Version> {
        self.db.write(|| {
            let body = to_json(head)?;
            let published = head.published.is_some();
            self.run(|c| {
                let tx = Savepoint::begin(c).map_err(sql_err)?;
                let v = put_versioned(
                    &tx,
                    "flow_heads",
                    &[("ws", &head.workspace_id), ("id", &head.flow_id)],
                    &[("published", &published)],
                    &body,
                    expected,
                    || format!("flow '{}'", head.flow_id),
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
        })
        .await
    }

    async fn get_flow_head(&self, ws: &str, flow: &str) -> R<Option<FlowHead>> {
        Ok(self
            .query_versioned::<FlowHead>(
                "SELECT body, version FROM flow_heads WHERE ws = ?1 AND id = ?2",
                params![ws, flow],
            )?
            .pop())
    }

    async fn list_flow_heads(&self, ws: &str) -> R<Vec<FlowHead>> {
        self.query_versioned(
            "SELECT body, version FROM flow_heads WHERE ws = ?1 ORDER BY id",
            params![ws],
        )
    }

    async fn flows_by_tag(&self, ws: &str, tag: Option<&str>) -> R<Vec<FlowHead>> {
        match tag {
            Some(tag) => self.query_versioned(
                "SELECT h.body, h.version FROM flow_tags t JOIN flow_heads h ON h.ws = t.ws AND h.id = t.flow_id WHERE t.ws = ?1 AND t.tag = ?2 ORDER BY h.id",
                params![ws, tag],
            ),
            None => self.query_versioned("SELECT body, version FROM flow_heads WHERE ws = ?1 AND published = 1 ORDER BY id", params![ws]),
        }
    }
}

impl AccountStore for SqliteStore {
    async fn ensure_user(&self, ws: &str, user_id: &str, now: DateTime<Utc>) -> R<User> {
        self.db
            .write(|| {
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
            })
            .await
    }

    async fn put_account(&self, a: &Account, expected: Option<Version>) -> R<Version> {
        self.db
            .write(|| {
                let body = to_json(a)?;
                self.run(|c| {
                    put_versioned(
                        c,
                        "accounts",
                        &[("ws", &a.workspace_id), ("id", &a.id)],
                        &[("user_id", &a.user_id), ("app_id", &a.app_id)],
                        &body,
                        expected,
                        || format!("account '{}'", a.id),
                    )
                })
            })
            .await
    }

    async fn get_account(&self, ws: &str, id: &str) -> R<Option<Account>> {
        Ok(self
            .query_versioned::<Account>(
                "SELECT body, version FROM accounts WHERE ws = ?1 AND id = ?2",
                params![ws, id],
            )?
            .pop())
    }

    async fn accounts_of_user(&self, ws: &str, user: &str, app: Option<&str>) -> R<Vec<Account>> {
        match app {
            Some(app) => self.query_versioned(
                "SELECT body, version FROM accounts WHERE ws = ?1 AND user_id = ?2 AND app_id = ?3 ORDER BY id",
                params![ws, user, app],
            ),
            None => self.query_versioned("SELECT body, version FROM accounts WHERE ws = ?1 AND user_id = ?2 ORDER BY id", params![ws, user]),
        }
    }

    async fn delete_account(&self, ws: &str, id: &str) -> R<()> {
        self.db
            .write(|| {
                self.run(|c| {
                    c.exec(
                        "DELETE FROM accounts WHERE ws = ?1 AND id = ?2",
                        params![ws, id],
                    )
                    .map(|_| ())
                    .map_err(sql_err)
                })
            })
            .await
    }
}
