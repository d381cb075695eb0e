//! Layers around the whole router (the API and any page mounted beside it): response
//! headers that keep answers out of caches, frames and content sniffing; NUL characters
//! refused before anything reads the URI; a deadline on request bodies; spans that name
//! the route, never the URI.

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use super::ServeConfig;
use super::problem::Problem;

/// The Content-Security-Policy of an HTML page: its own scripts, styles, images and
/// fonts only (no inline script), forms only to itself, never in a frame.
pub const HTML_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// The Content-Security-Policy of anything else (JSON, CSV, iCalendar): nothing runs.
pub const DATA_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Headers on every answer. A handler that sets its own `Cache-Control` or
/// `Content-Security-Policy` (a static file that may be cached, a page with an inline
/// style by hash) keeps it; `nosniff` is always set.
pub async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Feed addresses carry their token: never send them on as a referrer.
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("no-referrer"));
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("text/html"));
    if html {
        h.entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(HTML_CSP));
        h.entry(header::X_FRAME_OPTIONS)
            .or_insert(HeaderValue::from_static("DENY"));
    } else {
        h.entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(DATA_CSP));
    }
    res
}

/// Refuses a NUL character (`%00`) in the path (404: nothing is named so) or the query
/// (422), before a handler or the database sees it. A raw NUL cannot be in a request line
/// at all, so its percent-encoding is all there is to look for.
pub async fn refuse_nul(req: Request, next: Next) -> Response {
    let uri = req.uri();
    if uri.path().contains("%00") {
        return Problem::not_found("la ruta contiene un carácter nulo (%00)").into_response();
    }
    if let Some(q) = uri.query()
        && let Some((k, _)) =
            form_urlencoded::parse(q.as_bytes()).find(|(k, v)| k.contains('\0') || v.contains('\0'))
    {
        let k = k.replace('\0', "");
        return Problem::invalid(
            Some(&k),
            format!("parámetro «{k}»: contiene un carácter nulo (%00)"),
        )
        .into_response();
    }
    next.run(req).await
}

/// The whole body must arrive within `deadline` of its headers (a body read after it
/// fails, and [`super::extract::ApiJson`] answers 408), however slowly it trickles.
pub async fn body_deadline(
    axum::extract::State(deadline): axum::extract::State<Duration>,
    req: Request,
    next: Next,
) -> Response {
    let req =
        req.map(|b| axum::body::Body::new(tower_http::timeout::DeadlineBody::new(deadline, b)));
    next.run(req).await
}

/// The layers, outermost last: body size and deadline, NUL check, trace span, headers.
pub fn defend(router: Router, config: &ServeConfig) -> Router {
    router
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(middleware::from_fn_with_state(
            Duration::from_secs(config.body_timeout_secs),
            body_deadline,
        ))
        .layer(middleware::from_fn(refuse_nul))
        // Spans name the route, never the URI: paths carry folios and feed tokens.
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |req: &axum::http::Request<axum::body::Body>| {
                    let route = req
                        .extensions()
                        .get::<axum::extract::MatchedPath>()
                        .map(|m| m.as_str().to_string())
                        .unwrap_or_else(|| "(sin ruta)".into());
                    tracing::info_span!("http", method = %req.method(), route)
                },
            ),
        )
        .layer(middleware::map_response(security_headers))
}
