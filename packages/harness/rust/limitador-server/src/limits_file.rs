//! The limits file: the YAML list limitador-operator renders from `Limitador.spec.limits`
//! (`[{namespace, max_value, seconds, conditions, variables, name?}]`), read with the library's own
//! `Limit` type (which parses the CEL conditions and variables), and re-read when it changes.
//!
//! Changes are found by polling, not by inotify: the harness replaces the file with a rename (as a
//! ConfigMap mount does), and comparing the content every 250 ms sees that whatever the file system.

use crate::engine::Engine;
use limitador::limit::Limit;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const POLL_EVERY: Duration = Duration::from_millis(250);

/// Parses a limits file's content. An empty file holds no limits (what the operator's `[]` means).
pub fn parse(content: &str) -> Result<Vec<Limit>, String> {
    if content.trim().is_empty() {
        return Ok(Vec::new());
    }
    // The library's `Limit` defaults a missing max_value to 0, which would refuse every request
    // without a word: a limit must say its maximum.
    let entries: Vec<serde_yaml::Value> =
        serde_yaml::from_str(content).map_err(|e| format!("not a YAML list of limits: {e}"))?;
    for (index, entry) in entries.iter().enumerate() {
        if entry.get("max_value").is_none() {
            let namespace = entry
                .get("namespace")
                .and_then(|n| n.as_str())
                .unwrap_or("?");
            return Err(format!(
                "limit #{} (namespace {namespace:?}) has no max_value",
                index + 1
            ));
        }
    }
    serde_yaml::from_str(content).map_err(|e| format!("not a valid list of limits: {e}"))
}

/// Reads and applies the file once; the first load, whose failure stops the server.
pub fn load(path: &Path, engine: &Engine) -> Result<String, String> {
    let content = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    apply(path, &content, engine)?;
    Ok(content)
}

/// Re-reads the file whenever its content changes. A file that cannot be read or parsed is
/// reported once and the limits loaded before stay in force.
pub async fn watch(path: PathBuf, engine: Arc<Engine>, mut last_content: String) {
    let mut last_read_error: Option<String> = None;
    let mut tick = tokio::time::interval(POLL_EVERY);
    loop {
        tick.tick().await;
        let content = match tokio::fs::read_to_string(&path).await {
            Ok(content) => content,
            Err(e) => {
                let message = e.to_string();
                if last_read_error.as_deref() != Some(message.as_str()) {
                    eprintln!(
                        "cannot read the limits file {}: {message}; keeping the {} limits loaded before",
                        path.display(),
                        engine.limit_count()
                    );
                    last_read_error = Some(message);
                }
                continue;
            }
        };
        last_read_error = None;
        if content == last_content {
            continue;
        }
        if let Err(e) = apply(&path, &content, &engine) {
            eprintln!(
                "{e}; keeping the {} limits loaded before",
                engine.limit_count()
            );
        }
        last_content = content;
    }
}

fn apply(path: &Path, content: &str, engine: &Engine) -> Result<(), String> {
    let limits =
        parse(content).map_err(|e| format!("invalid limits file {}: {e}", path.display()))?;
    let count = limits.len();
    engine
        .configure(limits)
        .map_err(|e| format!("cannot apply the limits of {}: {e}", path.display()))?;
    eprintln!("loaded {count} limits from {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPERATOR_RENDERED: &str = r#"
- conditions:
  - descriptors[0]["limit.free_user_requests__3d2e4f1a"] == "1"
  max_value: 5
  namespace: llm/simulator-route
  seconds: 120
  variables:
  - descriptors[0]["auth.identity.userid"]
- conditions: []
  max_value: 100
  name: enterprise-user-requests
  namespace: llm/other-route
  seconds: 60
  variables: []
"#;

    #[test]
    fn reads_what_the_operator_renders() {
        let limits = parse(OPERATOR_RENDERED).unwrap();
        assert_eq!(limits.len(), 2);
        let named = limits.iter().find(|l| l.name().is_some()).unwrap();
        assert_eq!(named.name(), Some("enterprise-user-requests"));
        assert_eq!(named.max_value(), 100);
        let per_user = limits.iter().find(|l| l.name().is_none()).unwrap();
        assert_eq!(per_user.namespace().as_ref(), "llm/simulator-route");
        assert_eq!(per_user.seconds(), 120);
        assert!(per_user
            .variables()
            .contains(r#"descriptors[0]["auth.identity.userid"]"#));
    }

    #[test]
    fn an_empty_file_holds_no_limits() {
        assert!(parse("").unwrap().is_empty());
        assert!(parse("[]\n").unwrap().is_empty());
    }

    #[test]
    fn says_what_is_wrong() {
        let err =
            parse("- namespace: a\n  seconds: 1\n  conditions: []\n  variables: []\n").unwrap_err();
        assert_eq!(err, r#"limit #1 (namespace "a") has no max_value"#);
        let err = parse("- namespace: a\n  max_value: 1\n  seconds: 1\n  conditions: ['x ==']\n  variables: []\n")
            .unwrap_err();
        assert!(err.contains("couldn't parse x =="), "{err}");
        let err = parse("namespace: a").unwrap_err();
        assert!(err.starts_with("not a YAML list of limits"), "{err}");
    }
}
