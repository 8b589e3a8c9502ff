//! Third-party webhook deliveries at `/hooks/{token}`: no other authentication than the
//! unguessable token and the app's signature, so this router stands alone (behind a
//! Lambda Function URL on AWS) and gets no CORS.

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use junction_core::service::{Delivery, WebhookReply};
use serde::Serialize;

use crate::error::ApiError;
use crate::{Ports, Shared};

/// POST for deliveries; GET (and so HEAD) for the handshakes that echo a query
/// parameter (`hub.challenge`) and for apps that deliver by GET. Any other method is
/// a 405 naming these, as the OpenAPI document says.
pub fn hooks<P: Ports>() -> Router<Shared<P>> {
    Router::new().route("/hooks/{token}", get(receive::<P>).post(receive::<P>))
}

#[derive(Serialize, schemars::JsonSchema)]
struct Received {
    /// The runs this delivery started (or, for a duplicate, started the first time).
    run_ids: Vec<String>,
    /// True when this delivery's id was seen before: nothing new was queued.
    duplicate: bool,
}

/// Answers only after every run is recorded and queued.
async fn receive<P: Ports>(
    State(j): State<Shared<P>>,
    Path(token): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    request: Request,
) -> Result<Response, ApiError> {
    let headers = request.headers().clone();
    let body = crate::body::bytes(request, &()).await?;
    let delivery = Delivery {
        query,
        headers,
        body: body.to_vec(),
    };
    Ok(match j.receive_webhook(&token, delivery).await? {
        WebhookReply::Challenge { content_type, body } => {
            ([(header::CONTENT_TYPE, content_type)], body).into_response()
        }
        WebhookReply::Accepted { run_ids, duplicate } => {
            (StatusCode::OK, Json(Received { run_ids, duplicate })).into_response()
        }
    })
}

pub(crate) fn describe(doc: &mut crate::openapi::ApiDoc) {
    doc.op(
        "get",
        "/hooks/{token}",
        "A third-party app's handshake (a query parameter echoed back) or delivery by GET",
        crate::openapi::Auth::Signed,
    )
    .ok::<Received>(
        200,
        "The challenge as text/plain, or recorded and queued (or a duplicate)",
    )
    .add();
    doc.op(
        "post",
        "/hooks/{token}",
        "A third-party app's webhook delivery to an integration's URL",
        crate::openapi::Auth::Signed,
    )
    .ok::<Received>(200, "Recorded and queued (or a duplicate)")
    .add();
}
