//! Routes for your backend (bearer API secret) to read and set how its users sign in
//! to the marketplace API: whether a static `Hash` is still accepted.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use junction_core::service::IdentityPolicy;

use crate::auth::Backend;
use crate::body::JsonBody;
use crate::error::ApiError;
use crate::{Ports, Shared};

pub fn identity<P: Ports>() -> Router<Shared<P>> {
    Router::new().route("/admin/identity", get(policy::<P>).put(set_policy::<P>))
}

async fn policy<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
) -> Result<Json<IdentityPolicy>, ApiError> {
    Ok(Json(j.identity_policy(&ws.id).await?))
}

async fn set_policy<P: Ports>(
    State(j): State<Shared<P>>,
    Backend(ws): Backend,
    JsonBody(body): JsonBody<IdentityPolicy>,
) -> Result<Json<IdentityPolicy>, ApiError> {
    Ok(Json(j.set_identity_policy(&ws.id, &body).await?))
}

pub(crate) fn describe(doc: &mut crate::openapi::ApiDoc) {
    use crate::openapi::Auth::Backend;
    doc.op(
        "get",
        "/v1/admin/identity",
        "Whether users must sign in with expiring identity tokens",
        Backend,
    )
    .ok::<IdentityPolicy>(200, "The policy")
    .add();
    doc.op(
        "put",
        "/v1/admin/identity",
        "Require expiring identity tokens (refusing the static Hash), or stop requiring them",
        Backend,
    )
    .json::<IdentityPolicy>()
    .ok::<IdentityPolicy>(200, "The policy now")
    .add();
}
