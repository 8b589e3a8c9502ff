//! Every error answer is `application/problem+json` (RFC 9457) with a stable `type`, a
//! human `detail`, and for validation the `errors` with their paths. Internals never
//! leave the process: unknown errors are logged with an id the answer repeats.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use junction_core::definition::Problem;
use junction_core::service::ServiceError;
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    kind: &'static str,
    title: &'static str,
    detail: String,
    errors: Vec<Problem>,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [Problem],
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            kind,
            title,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn bad_request(detail: impl Into<String>, errors: Vec<Problem>) -> Self {
        Self {
            errors,
            ..Self::new(
                StatusCode::BAD_REQUEST,
                "bad-request",
                "The request is malformed",
                detail,
            )
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Missing or invalid credentials",
            "the request's credentials are missing or invalid",
        )
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "The request body is too large",
            format!("bodies are limited to {limit} bytes"),
        )
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound(what) => Self::new(
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                format!("{what} was not found"),
            ),
            ServiceError::Unauthorized => Self::unauthorized(),
            ServiceError::IdentityExpired => Self::new(
                StatusCode::UNAUTHORIZED,
                "identity-expired",
                "The identity token has expired",
                "ask your backend for a new identity token and send the request again",
            ),
            ServiceError::IdentityTokenRequired => Self::new(
                StatusCode::UNAUTHORIZED,
                "identity-token-required",
                "This workspace accepts only identity tokens",
                "sign the user in with an expiring identity token (Authorization: Bearer) instead of User-ID and Hash",
            ),
            ServiceError::Invalid { message, problems } => Self {
                errors: problems,
                ..Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation",
                    "The input is invalid",
                    message,
                )
            },
            ServiceError::Conflict(m) => Self::new(StatusCode::CONFLICT, "conflict", "Conflict", m),
            ServiceError::Upstream(m) => Self::new(
                StatusCode::BAD_GATEWAY,
                "upstream",
                "The other app did not answer as expected",
                m,
            ),
            ServiceError::Unavailable(m) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The other app is briefly unavailable; try again in a moment",
                m,
            ),
            ServiceError::Unknown(e) => {
                let id = junction_core::ids::new_id("err");
                tracing::error!(error_id = %id, error = ?e, "request failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    format!("something went wrong on our side; the server log has error {id}"),
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            kind: format!("urn:junction:problem:{}", self.kind),
            title: self.title,
            status: self.status.as_u16(),
            detail: &self.detail,
            errors: &self.errors,
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            json,
        )
            .into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
        }
        response
    }
}

pub async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "Not found",
        "no such route; the API is under /v1, and /v1/openapi.json lists every route",
    )
}

/// A route that exists, asked with a method it does not take: axum's bare 405 (with
/// its `Allow` header) becomes a problem like every other error. A response mapping
/// rather than a fallback, so the CORS layer still answers preflights first.
pub async fn problem_for_bare_405(response: Response) -> Response {
    if response.status() != StatusCode::METHOD_NOT_ALLOWED
        || response.headers().contains_key(header::CONTENT_TYPE)
    {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut problem = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        "this route does not take that method; the Allow header lists the ones it takes",
    )
    .into_response();
    if let Some(allow) = allow {
        problem.headers_mut().insert(header::ALLOW, allow);
    }
    problem
}
