//! A request whose path or query carries a NUL character is refused at the door with a 400:
//! no handler means one, and PostgreSQL refuses NUL in text, which would otherwise surface deep
//! in a query as a 500.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::ApiError;

/// The layer.
pub(crate) async fn refuse_nul(req: Request, next: Next) -> Response {
    let has_nul = req
        .uri()
        .path_and_query()
        .is_some_and(|pq| pq.as_str().to_ascii_lowercase().contains("%00"));
    if has_nul {
        return ApiError::bad_request(
            "invalid_character",
            "the address contains a NUL character, which no field accepts",
        )
        .into_response();
    }
    next.run(req).await
}
