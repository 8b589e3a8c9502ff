//! Pagination schemes a query may declare, and the bound on pages fetched.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How a query walks through pages of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Pagination {
    /// The response names the next cursor; it is sent back as a query parameter.
    Cursor {
        /// Query parameter that carries the cursor.
        param: String,
        /// Dot path of the next cursor in the response body; null or empty ends paging.
        next: String,
    },
    /// Numbered pages; an empty or short page ends paging.
    Page {
        param: String,
        #[serde(default = "one")]
        start: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size_param: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size: Option<u64>,
    },
    /// Item offsets; an empty or short page ends paging.
    Offset {
        param: String,
        limit_param: String,
        limit: u64,
    },
    /// RFC 8288 `Link: <...>; rel="next"` headers (GitHub style).
    LinkHeader,
}

fn one() -> u64 {
    1
}
