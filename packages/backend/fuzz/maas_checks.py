"""Schemathesis checks of the portal's /api/maas beyond "no 5xx" (loaded via SCHEMATHESIS_HOOKS)."""
import schemathesis


@schemathesis.check
def json_error_body(ctx, response, case):
    """Every 4xx is a Backstage error body: JSON with error.name and error.message, no stack trace."""
    if not 400 <= response.status_code < 500:
        return None
    content_type = ";".join(response.headers.get("content-type", []))
    if "application/json" not in content_type:
        raise AssertionError(
            f"{response.status_code} with content-type {content_type!r}, not a JSON error body"
        )
    try:
        body = response.json()
    except Exception as error:  # noqa: BLE001 - any parse failure is the finding
        raise AssertionError(f"{response.status_code} body is not JSON: {error}") from error
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not error.get("name") or not error.get("message"):
        raise AssertionError(
            f"{response.status_code} body has no error.name and error.message: {str(body)[:200]}"
        )
    if "stack" in error:
        raise AssertionError(f"{response.status_code} error body carries a stack trace")
    return None
