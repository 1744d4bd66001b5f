//! Server-rendered form pieces for the outcomes framework's edit pages, in the GOV.UK manner:
//! an error summary naming each field and reason with a link to it, and each field showing its
//! own message. Forms post without JavaScript; a bad submission is re-rendered with status 422
//! and nothing stored.

use maud::{html, Markup};

/// A posted form's fields, repeated names kept (checkboxes).
pub(crate) type Fields = Vec<(String, String)>;

/// A field's trimmed value ("" when absent).
pub(crate) fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// Every non-empty value posted under a name.
pub(crate) fn all(f: &Fields, name: &str) -> Vec<String> {
    f.iter()
        .filter(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
        .collect()
}

/// The non-empty lines of a text area.
pub(crate) fn lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect()
}

/// What was wrong with a submission, field by field, in the order of the form.
#[derive(Default, Debug)]
pub(crate) struct FormErrors(Vec<(String, String)>);

impl FormErrors {
    /// Records that `field` (its element id) is wrong, and why.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    /// Whether the submission was good.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first message for a field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// The error summary at the top of the page (nothing when the form is good).
    pub fn summary(&self) -> Markup {
        html! {
            @if !self.0.is_empty() {
                div.error-summary role="alert" tabindex="-1" aria-labelledby="error-summary-title" {
                    h2 #error-summary-title { "There is a problem" }
                    ul.error-summary-list {
                        @for (f, m) in &self.0 { li { a href={ "#" (f) } { (m) } } }
                    }
                }
            }
        }
    }
}

fn group(id: &str, label: &str, hint: Option<&str>, e: &FormErrors, control: Markup) -> Markup {
    let error = e.get(id);
    html! {
        div class={ "form-group" @if error.is_some() { " form-group-error" } } {
            label for=(id) { (label) }
            @if let Some(h) = hint { p.hint id={ (id) "-hint" } { (h) } }
            @if let Some(m) = error { p.error-message id={ (id) "-error" } { span.visually-hidden { "Error: " } (m) } }
            (control)
        }
    }
}

fn described_by(id: &str, hint: bool, e: &FormErrors) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-hint"));
    }
    if e.get(id).is_some() {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A one-line text input.
pub(crate) fn text(
    id: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    e: &FormErrors,
) -> Markup {
    let by = described_by(id, hint.is_some(), e);
    group(
        id,
        label,
        hint,
        e,
        html! { input.input #(id) name=(id) type="text" value=(value) aria-describedby=[by] aria-invalid=[e.get(id).map(|_| "true")]; },
    )
}

/// A text area.
pub(crate) fn textarea(
    id: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    e: &FormErrors,
) -> Markup {
    let by = described_by(id, hint.is_some(), e);
    group(
        id,
        label,
        hint,
        e,
        html! { textarea.textarea #(id) name=(id) rows="4" aria-describedby=[by] aria-invalid=[e.get(id).map(|_| "true")] { (value) } },
    )
}

/// A select of (value, label) options.
pub(crate) fn select(
    id: &str,
    label: &str,
    hint: Option<&str>,
    options: &[(String, String)],
    value: &str,
    e: &FormErrors,
) -> Markup {
    let by = described_by(id, hint.is_some(), e);
    group(
        id,
        label,
        hint,
        e,
        html! {
            select.select #(id) name=(id) aria-describedby=[by] aria-invalid=[e.get(id).map(|_| "true")] {
                option value="" { "Choose…" }
                @for (v, l) in options { option value=(v) selected[v == value] { (l) } }
            }
        },
    )
}

/// A group of checkboxes sharing one name; the first box carries the group's id so the error
/// summary can link to it.
pub(crate) fn checkboxes(
    id: &str,
    legend: &str,
    hint: Option<&str>,
    options: &[(String, String)],
    checked: &[String],
    e: &FormErrors,
) -> Markup {
    let error = e.get(id);
    html! {
        fieldset class={ "form-group checkboxes" @if error.is_some() { " form-group-error" } } {
            legend { (legend) }
            @if let Some(h) = hint { p.hint { (h) } }
            @if let Some(m) = error { p.error-message id={ (id) "-error" } { span.visually-hidden { "Error: " } (m) } }
            @if options.is_empty() { p.hint { "None to choose from yet." } }
            @for (i, (v, l)) in options.iter().enumerate() {
                @let box_id = if i == 0 { id.to_owned() } else { format!("{id}-{i}") };
                div.checkbox {
                    input #(box_id) type="checkbox" name=(id) value=(v) checked[checked.contains(v)];
                    label for=(box_id) { (l) }
                }
            }
        }
    }
}

/// The reason every change needs.
pub(crate) fn reason(value: &str, e: &FormErrors) -> Markup {
    textarea(
        "reason",
        "Reason for this change",
        Some("Required. It is stored with the new version, with your name and the time."),
        value,
        e,
    )
}

/// Checks the reason field.
pub(crate) fn check_reason(f: &Fields, e: &mut FormErrors) -> String {
    let r = field(f, "reason");
    if r.is_empty() {
        e.add("reason", "Enter the reason for this change");
    }
    r.to_owned()
}
