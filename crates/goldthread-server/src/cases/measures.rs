//! Programme measures on the outcomes framework: analysts recount every programme's measures
//! as local indicators from the programme dashboard (`POST /programmes/{id}/measures/refresh`);
//! the same refresh the command line and the demo install run.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::sharing::Role;
use maud::{html, Markup};

use super::access::Caller;
use super::today;
use crate::auth::{csrf_field, CsrfForm};
use crate::{ApiError, AppState};

/// `POST /programmes/{id}/measures/refresh`: an analyst recounts the measures of every
/// programme and goes back to the dashboard, which says how many values were written.
pub(crate) async fn refresh(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    user.require_any(Role::Analyst)?;
    let p = super::programme(&state, &id).await?;
    let done = state
        .store()
        .refresh_programme_measures(today(), &user.account.email)
        .await?;
    tracing::info!(
        values = done.values,
        new_definitions = done.new_definition_versions,
        by = %user.account.email,
        "programme measures refreshed"
    );
    Ok(Redirect::to(&format!("/programmes/{}?refreshed={}", p.id, done.values)).into_response())
}

/// The refresh button, for analysts, with the result of the last refresh when there is one.
pub(crate) fn panel(programme: &str, caller: &Caller, refreshed: Option<u64>) -> Markup {
    let analyst = !caller.user.organisations_with(Role::Analyst).is_empty();
    html! {
        @if let Some(n) = refreshed {
            div.notice #measures-refreshed role="status" {
                "Programme measures refreshed: " (n) " indicator values written. "
                a href="/outcomes" { "See them on the outcomes dashboard" } "."
            }
        }
        @if analyst {
            form method="post" action={ "/programmes/" (programme) "/measures/refresh" } #refresh-measures {
                (csrf_field(&caller.user))
                p.hint { "Each programme's measures are local indicators on the outcomes framework, counted by district, month and financial year from the case records." }
                button type="submit" { "Refresh outcome indicators" }
            }
        }
    }
}
