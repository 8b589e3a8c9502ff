//! Request bodies: JSON with errors that name the field, and definition documents
//! (YAML or JSON text); oversized bodies answer 413.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use junction_core::definition::{FieldPath, Problem};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::{BODY_READ_TIMEOUT, MAX_BODY_BYTES};

/// The whole body, within [`MAX_BODY_BYTES`] and the body read timeout
/// ([`BODY_READ_TIMEOUT`] unless the server says otherwise). A body announced
/// as larger is refused before any of it is read, so a client cannot hold the request
/// open by promising gigabytes and sending nothing.
pub(crate) async fn bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    let announced = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(ApiError::too_large(MAX_BODY_BYTES));
    }
    let limit = req
        .extensions()
        .get::<crate::serve::BodyReadTimeout>()
        .map_or(BODY_READ_TIMEOUT, |t| t.0);
    let read = tokio::time::timeout(limit, Bytes::from_request(req, state)).await;
    let Ok(read) = read else {
        return Err(ApiError::new(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "The body took too long",
            format!(
                "the request body did not arrive within {} ms",
                limit.as_millis()
            ),
        ));
    };
    read.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large(MAX_BODY_BYTES)
        } else {
            ApiError::bad_request(format!("the body could not be read: {e}"), Vec::new())
        }
    })
}

/// A JSON body; an empty body is `{}` for types that allow it.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let raw = bytes(req, state).await?;
        let raw: &[u8] = if raw.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &raw
        };
        let mut de = serde_json::Deserializer::from_slice(raw);
        match serde_path_to_error::deserialize(&mut de) {
            Ok(v) => Ok(Self(v)),
            Err(e) => {
                let path = FieldPath::parse_serde(&e.path().to_string()).to_string();
                let inner = e.into_inner();
                let line = (inner.line() > 0).then_some(inner.line());
                let message = inner.to_string();
                Err(ApiError::bad_request(
                    format!("the body is not valid: {path}: {message}"),
                    vec![Problem {
                        path,
                        line,
                        message,
                    }],
                ))
            }
        }
    }
}

/// A definition document as text (YAML or JSON).
pub struct DocumentBody(pub String);

impl<S: Send + Sync> FromRequest<S> for DocumentBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let raw = bytes(req, state).await?;
        String::from_utf8(raw.to_vec())
            .map(Self)
            .map_err(|_| ApiError::bad_request("the document is not UTF-8 text", Vec::new()))
    }
}

/// Query parameters, with problem+json errors that name the parameter.
pub struct QueryArgs<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> axum::extract::FromRequestParts<S>
    for QueryArgs<T>
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|e| {
                ApiError::bad_request(
                    format!("the query string is not valid: {}", e.body_text()),
                    Vec::new(),
                )
            })
    }
}
