//! Following redirects by hand, so credentials never cross to another origin: the
//! request's next hop, with what its authentication added taken off when the hop leaves
//! the origin, as browsers do for `Authorization` but for every header and query
//! parameter the app's scheme uses.

use super::message::{OutboundError, OutboundRequest};
use crate::definition::HttpMethod;

/// Hops a request may take before it is refused.
pub(crate) const MAX_REDIRECTS: usize = 5;

/// Headers that always hold credentials, whatever added them.
const ALWAYS_CONFIDENTIAL: [&str; 3] = ["authorization", "proxy-authorization", "cookie"];

/// The request to send after an answer of `status` with `location`, or `None` when the
/// answer is final: not a redirect, no `Location`, or a redirect that would carry a
/// secret body to another origin (the caller then sees the redirect itself).
pub(crate) fn next_hop(
    request: &OutboundRequest,
    status: u16,
    location: Option<&str>,
) -> Result<Option<OutboundRequest>, OutboundError> {
    let keeps_body = match status {
        307 | 308 => true,
        301..=303 => false,
        _ => return Ok(None),
    };
    let Some(location) = location else {
        return Ok(None);
    };
    let url = request.url.join(location).map_err(|e| {
        OutboundError::InvalidRequest(format!("the answer redirects to an invalid URL: {e}"))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(OutboundError::InvalidRequest(format!(
            "the answer redirects to a {} URL; only http(s) is followed",
            url.scheme()
        )));
    }
    let mut next = request.clone();
    next.url = url;
    if !keeps_body {
        // As reqwest and browsers do: the next hop is a GET (a HEAD stays one), bodiless.
        if next.method != HttpMethod::Head {
            next.method = HttpMethod::Get;
        }
        next.body = None;
        next.headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
    }
    if next.url.origin() != request.url.origin() {
        if keeps_body && next.body.is_some() && request.confidential.body {
            return Ok(None);
        }
        strip_credentials(&mut next);
    }
    Ok(Some(next))
}

/// Takes every credential off a request bound for another origin; once taken off,
/// they stay off for the hops after it.
fn strip_credentials(request: &mut OutboundRequest) {
    let confidential = std::mem::take(&mut request.confidential);
    request.headers.retain(|(name, _)| {
        let name = name.to_ascii_lowercase();
        !ALWAYS_CONFIDENTIAL.contains(&name.as_str())
            && !confidential
                .headers
                .iter()
                .any(|h| h.eq_ignore_ascii_case(&name))
    });
    if !confidential.query.is_empty() && request.url.query().is_some() {
        let kept: Vec<(String, String)> = request
            .url
            .query_pairs()
            .filter(|(k, _)| !confidential.query.iter().any(|q| q == k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            request.url.set_query(None);
        } else {
            request.url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    let _ = request.url.set_username("");
    let _ = request.url.set_password(None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outbound::{Confidential, RequestBody};

    fn keyed(url: &str) -> OutboundRequest {
        OutboundRequest {
            method: HttpMethod::Post,
            url: url::Url::parse(url).unwrap(),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("X-Api-Key".into(), "k".into()),
                ("Authorization".into(), "Bearer t".into()),
                ("accept".into(), "application/json".into()),
            ],
            body: Some(RequestBody::Json(serde_json::json!({"a": 1}))),
            confidential: Confidential {
                headers: vec!["x-api-key".into()],
                query: vec!["api_key".into()],
                body: false,
            },
            timeout: None,
        }
    }

    #[test]
    fn a_hop_to_another_origin_loses_every_credential() {
        let request = keyed("https://app.example/v1/x?api_key=k&page=2");
        let next = next_hop(
            &request,
            307,
            Some("https://other.example/in?api_key=k&q=1"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(next.url.as_str(), "https://other.example/in?q=1");
        let names: Vec<_> = next.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["content-type", "accept"]);
        assert_eq!(next.method, HttpMethod::Post, "307 keeps the method");
        assert!(next.body.is_some());
        assert!(next.confidential.is_empty());
    }

    #[test]
    fn a_hop_within_the_origin_keeps_them_and_303_becomes_a_get() {
        let request = keyed("https://app.example/v1/x");
        let next = next_hop(&request, 303, Some("/v1/y")).unwrap().unwrap();
        assert_eq!(next.url.as_str(), "https://app.example/v1/y");
        let names: Vec<_> = next.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["X-Api-Key", "Authorization", "accept"]);
        assert_eq!(next.method, HttpMethod::Get);
        assert!(next.body.is_none());
    }

    #[test]
    fn a_secret_body_is_never_resent_elsewhere_and_odd_answers_are_final() {
        let mut request = keyed("https://auth.example/token");
        request.confidential.body = true;
        assert!(next_hop(&request, 308, Some("https://evil.example/token"))
            .unwrap()
            .is_none());
        assert!(next_hop(&request, 200, Some("/x")).unwrap().is_none());
        assert!(next_hop(&request, 302, None).unwrap().is_none());
        assert!(next_hop(&request, 302, Some("file:///etc/passwd")).is_err());
    }
}
