//! `--rate-limit-headers`: which rate-limit response headers go back with an answer. The header
//! values themselves come from the library (`CheckResult::response_header`, draft-polli-ratelimit-
//! headers-03: the most restrictive counter's limit, remaining and reset).

use limitador::CheckResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitHeaders {
    None,
    DraftVersion03,
}

impl RateLimitHeaders {
    /// The flag's values are limitador-server's (and the Limitador CR's `rateLimitHeaders`).
    pub fn parse(flag: &str) -> Option<Self> {
        match flag {
            "NONE" => Some(Self::None),
            "DRAFT_VERSION_03" => Some(Self::DraftVersion03),
            _ => None,
        }
    }

    /// The HTTP API takes the same choice per request, in the body's `response_headers` field,
    /// spelled as upstream's HTTP API spells it.
    pub fn from_request_field(field: Option<&str>) -> Self {
        match field {
            Some("DraftVersion03") | Some("DRAFT_VERSION_03") => Self::DraftVersion03,
            _ => Self::None,
        }
    }

    /// The headers for one answer, sorted by name so that an answer is the same every time.
    pub fn headers(self, result: &mut CheckResult) -> Vec<(String, String)> {
        match self {
            Self::None => Vec::new(),
            Self::DraftVersion03 => {
                let mut headers: Vec<(String, String)> =
                    result.response_header().into_iter().collect();
                headers.sort();
                headers
            }
        }
    }
}
