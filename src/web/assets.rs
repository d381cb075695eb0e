//! The pages' stylesheet and script, embedded in the binary and served by arco itself (a
//! public body's network may block outside sites).

use axum::http::header;
use axum::response::IntoResponse;

const CSS: &str = include_str!("../../assets/web/arco.css");
const JS: &str = include_str!("../../assets/web/arco.js");

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}

pub async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        JS,
    )
}
