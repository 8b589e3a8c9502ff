//! A user's accounts: connect with an API key or basic credentials, list, remove.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use junction_core::service::ConnectedAccount;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::auth::EndUser;
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::{Ports, Shared};

pub fn accounts<P: Ports>() -> Router<Shared<P>> {
    Router::new()
        .route("/apps/{app}/accounts", get(list::<P>).post(connect::<P>))
        .route("/accounts/{account}", delete(remove::<P>))
}

#[derive(Serialize, schemars::JsonSchema)]
struct AccountList {
    accounts: Vec<ConnectedAccount>,
}

async fn list<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    Path(app): Path<String>,
) -> Result<Json<AccountList>, ApiError> {
    j.app(&me.workspace.id, &app).await?;
    Ok(Json(AccountList {
        accounts: j
            .accounts(&me.workspace.id, &me.user.user_id, Some(&app))
            .await?,
    }))
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct Connect {
    /// `{"type": "api_key", "key": "..."}` or `{"type": "basic", "username": "...", "password": "..."}`.
    credentials: Value,
}

async fn connect<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    Path(app): Path<String>,
    JsonBody(body): JsonBody<Connect>,
) -> Result<(StatusCode, Json<ConnectedAccount>), ApiError> {
    let account = j
        .connect_account(&me.workspace.id, &me.user.user_id, &app, body.credentials)
        .await?;
    Ok((StatusCode::CREATED, Json(account)))
}

async fn remove<P: Ports>(
    State(j): State<Shared<P>>,
    me: EndUser,
    Path(account): Path<String>,
) -> Result<StatusCode, ApiError> {
    j.delete_account(&me.workspace.id, &me.user.user_id, &account)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) fn describe(doc: &mut crate::openapi::ApiDoc) {
    use crate::openapi::Auth::User;
    doc.op(
        "get",
        "/v1/apps/{app}/accounts",
        "The user's accounts for an app",
        User,
    )
    .ok::<AccountList>(200, "The accounts")
    .add();
    doc.op(
        "post",
        "/v1/apps/{app}/accounts",
        "Connect an API-key or basic-auth account (checked before it is stored)",
        User,
    )
    .json::<Connect>()
    .ok::<ConnectedAccount>(201, "Connected")
    .add();
    doc.op(
        "delete",
        "/v1/accounts/{account}",
        "Remove an account; integrations using it are disabled",
        User,
    )
    .no_content(204, "Removed")
    .add();
}

/// Your backend sets a user's account for an app (your app's key for that user).
pub fn backend_accounts<P: Ports>() -> Router<Shared<P>> {
    Router::new().route(
        "/admin/users/{user}/apps/{app}/account",
        axum::routing::put(set_for_user::<P>),
    )
}

async fn set_for_user<P: Ports>(
    State(j): State<Shared<P>>,
    crate::auth::Backend(ws): crate::auth::Backend,
    Path((user, app)): Path<(String, String)>,
    JsonBody(body): JsonBody<Connect>,
) -> Result<Json<ConnectedAccount>, ApiError> {
    Ok(Json(
        j.set_user_account(&ws.id, &user, &app, body.credentials)
            .await?,
    ))
}

pub(crate) fn describe_backend(doc: &mut crate::openapi::ApiDoc) {
    doc.op(
        "put",
        "/v1/admin/users/{user}/apps/{app}/account",
        "Set a user's account for an app from your backend (e.g. their key for your app)",
        crate::openapi::Auth::Backend,
    )
    .json::<Connect>()
    .ok::<ConnectedAccount>(200, "The user's account")
    .add();
}
