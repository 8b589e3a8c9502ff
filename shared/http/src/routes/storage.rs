//! Routes for your admins (bearer API secret) to see and remove the values flows keep
//! between runs (`storage` steps), one scope at a time.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use junction_core::service::{ScopeRef, StoredPage};
use junction_core::storage::StorageScope;
use serde::Deserialize;

use crate::auth::Backend;
use crate::body::QueryArgs;
use crate::error::ApiError;
use crate::{Ports, Shared};

pub fn storage<P: Ports>() -> Router<Shared<P>> {
    Router::new()
        .route("/admin/storage", get(list::<P>))
        .route("/admin/storage/{key}", delete(remove::<P>))
}

/// Which scope: the kind, and the integration or user it belongs to.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// `integration`, `user` or `workspace`.
    scope: StorageScope,
    /// The integration's id, or your app's user id; left out for the workspace scope.
    id: Option<String>,
    /// The `next` of the page before.
    after: Option<String>,
    /// At most 100 (default 50).
    limit: Option<usize>,
}

async fn list<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
    QueryArgs(q): QueryArgs<ListQuery>,
) -> Result<Json<StoredPage>, ApiError> {
    let scope = ScopeRef {
        kind: q.scope,
        id: q.id,
    };
    let limit = q.limit.unwrap_or(50);
    Ok(Json(
        j.stored_values(&ws.id, &scope, q.after.as_deref(), limit)
            .await?,
    ))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ScopeQuery {
    /// `integration`, `user` or `workspace`.
    scope: StorageScope,
    /// The integration's id, or your app's user id; left out for the workspace scope.
    id: Option<String>,
}

async fn remove<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
    Path(key): Path<String>,
    QueryArgs(q): QueryArgs<ScopeQuery>,
) -> Result<StatusCode, ApiError> {
    let scope = ScopeRef {
        kind: q.scope,
        id: q.id,
    };
    j.delete_stored_value(&ws.id, &scope, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) fn describe(doc: &mut crate::openapi::ApiDoc) {
    use crate::openapi::Auth::Backend;
    doc.op(
        "get",
        "/v1/admin/storage",
        "Values flows keep between runs in one scope, in key order",
        Backend,
    )
    .query::<ListQuery>()
    .ok::<StoredPage>(200, "A page of stored values")
    .add();
    doc.op(
        "delete",
        "/v1/admin/storage/{key}",
        "Remove one stored value (the key percent-encoded)",
        Backend,
    )
    .query::<ScopeQuery>()
    .no_content(204, "Removed")
    .add();
}
