//! Changing organisations on the web, through the real server on SQLite and PostgreSQL: a
//! system administrator uploads a provider list (CSV or .xlsx), sees what it will add and
//! change computed against the stored demo organisations, and confirms it, applied whole,
//! attributed and audited; a bad row is named and nothing is kept; a preview that the stored
//! data has moved past is refused; the edit form saves an attributed change or comes back 422
//! with an error summary; signed-out and unauthorised users are refused.

mod common;

use std::io::Write;

use common::{client, csrf_in, email, get_text, sign_in};
use goldthread_domain::directory::organisations_csv;
use goldthread_domain::directory::oruk::OrganisationProfile;
use goldthread_domain::organisation::{Organisation, OrganisationId, OrganisationKind};
use goldthread_store::{AuditFilter, Backend, OrganisationRecord};
use goldthread_testkit::{on_both_backends, TestApp};

const UPLOAD: &str = "/organisations/upload";

/// A multipart form with the CSRF token and one file, as a browser sends it.
fn multipart(csrf: &str, file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "goldthread-test-boundary-7f3a";
    let mut body = Vec::new();
    write!(
        body,
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .unwrap();
    body.extend_from_slice(bytes);
    write!(body, "\r\n--{boundary}--\r\n").unwrap();
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploads a file as a signed-in client: status, body and where it redirects.
async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    file_name: &str,
    bytes: &[u8],
) -> (u16, String, Option<String>) {
    let (status, page) = get_text(app, c, UPLOAD).await;
    assert_eq!(status, 200, "{page}");
    let (content_type, body) = multipart(&csrf_in(&page), file_name, bytes);
    let r = c
        .post(app.url(UPLOAD))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload");
    let status = r.status().as_u16();
    let location = location(&r);
    (status, r.text().await.unwrap_or_default(), location)
}

fn location(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
}

/// POSTs a form with the CSRF token of the page at `form_page`.
async fn post_form(
    app: &TestApp,
    c: &reqwest::Client,
    form_page: &str,
    to: &str,
    fields: &[(String, String)],
) -> (u16, String, Option<String>) {
    let (_, page) = get_text(app, c, form_page).await;
    let mut body = fields.to_vec();
    body.push(("csrf".into(), csrf_in(&page)));
    let r = c.post(app.url(to)).form(&body).send().await.expect("post");
    let status = r.status().as_u16();
    let location = location(&r);
    (status, r.text().await.unwrap_or_default(), location)
}

/// The value of an attribute on the preview summary, e.g. `data-added`.
fn count(page: &str, attribute: &str) -> usize {
    let marker = format!("{attribute}=\"");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {attribute} in {page}"))
        + marker.len();
    page[at..].split('"').next().unwrap().parse().unwrap()
}

fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page.find(&marker).expect("hidden field") + marker.len();
    page[at..].split('"').next().unwrap().to_owned()
}

fn vcse(name: &str, charity: &str) -> OrganisationRecord {
    (
        Organisation {
            id: OrganisationId::for_code(&format!("test:{name}")),
            name: name.into(),
            kind: OrganisationKind::Vcse,
            ods_code: None,
            gss_code: None,
        },
        OrganisationProfile {
            description: format!("{name}: help for local people"),
            charity_number: Some(charity.into()),
            ..Default::default()
        },
    )
}

/// The stored demo organisations with every third one's details changed, and two new ones.
fn edited(stored: &[OrganisationRecord]) -> Vec<OrganisationRecord> {
    let mut list: Vec<OrganisationRecord> = stored.to_vec();
    for (i, (o, p)) in list.iter_mut().enumerate() {
        match i % 3 {
            0 => p.website = Some(format!("https://{}.example", o.id)),
            1 => p.phone = Some("01603 000 000".into()),
            _ => {}
        }
        if i == 2 {
            o.name = format!("{} (renamed)", o.name);
        }
    }
    list.push(vcse("Lowestoft Men's Shed", "1180001"));
    list.push(vcse("Dereham Foodbank", "1180002"));
    list
}

fn differing(stored: &[OrganisationRecord], list: &[OrganisationRecord]) -> (usize, usize) {
    let changed = list
        .iter()
        .filter(|r| stored.iter().any(|s| s.0.id == r.0.id && s != *r))
        .count();
    let added = list
        .iter()
        .filter(|r| !stored.iter().any(|s| s.0.id == r.0.id))
        .count();
    (added, changed)
}

async fn audit_actions(app: &TestApp, prefix: &str) -> Vec<String> {
    app.store
        .audit_events(
            &AuditFilter {
                action_prefix: Some(prefix.into()),
                ..Default::default()
            },
            100,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e.record.action, e.record.subject, e.record.detail
            )
        })
        .collect()
}

async fn an_upload_previews_what_changes_and_the_confirmation_applies_it_attributed(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let stored = app.store.organisation_records().await.unwrap();
    let list = edited(&stored);
    let (added, changed) = differing(&stored, &list);
    assert!(added > 0 && changed > 0);
    let admin = sign_in(&app, &email("system-administrator", "icb")).await;

    let (status, body, to) = upload(
        &app,
        &admin,
        "providers.csv",
        organisations_csv::write(&list).as_bytes(),
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let preview = to.expect("a preview");
    assert!(preview.starts_with("/organisations/uploads/"), "{preview}");
    let (status, page) = get_text(&app, &admin, &preview).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(count(&page, "data-added"), added);
    assert_eq!(count(&page, "data-changed"), changed);
    assert_eq!(count(&page, "data-unchanged"), stored.len() - changed);
    assert!(
        page.contains("(renamed)"),
        "the change is shown field by field"
    );
    assert_eq!(
        app.store.organisation_records().await.unwrap(),
        stored,
        "a preview writes nothing"
    );

    let fingerprint = hidden(&page, "fingerprint");
    let (status, body, to) = post_form(
        &app,
        &admin,
        &preview,
        &format!("{preview}/confirm"),
        &[("fingerprint".into(), fingerprint.clone())],
    )
    .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(to.as_deref(), Some(preview.as_str()));
    let mut now = app.store.organisation_records().await.unwrap();
    let mut expected = list.clone();
    now.sort_by_key(|r| r.0.id);
    expected.sort_by_key(|r| r.0.id);
    assert_eq!(now, expected, "the whole upload is stored");

    let (_, page) = get_text(&app, &admin, &preview).await;
    assert!(page.contains("id=\"applied\""), "{page}");
    let renamed = &list[2];
    let (_, org_page) = get_text(&app, &admin, &format!("/organisations/{}", renamed.0.id)).await;
    assert!(
        org_page.contains("system-administrator.icb@demo.goldthread.invalid"),
        "{org_page}"
    );
    assert!(org_page.contains("(renamed)"));
    let audit = audit_actions(&app, "organisations.upload").await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(
        audit[0].contains(&format!("{added} to add, {changed} to change")),
        "{audit:?}"
    );

    // Confirming again applies nothing twice.
    let (status, body, _) = post_form(
        &app,
        &admin,
        UPLOAD,
        &format!("{preview}/confirm"),
        &[("fingerprint".into(), fingerprint)],
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(audit_actions(&app, "organisations.upload").await.len(), 1);
}

/// A minimal .xlsx workbook whose first sheet holds `rows` as inline strings.
fn workbook(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut sheet = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, cell) in row.iter().enumerate() {
            let col = (b'A' + c as u8) as char;
            if !cell.is_empty() {
                let text = cell.replace('&', "&amp;").replace('<', "&lt;");
                sheet.push_str(&format!(
                    "<c r=\"{col}{}\" t=\"inlineStr\"><is><t>{text}</t></is></c>",
                    r + 1
                ));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let files = [
        ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>".to_owned()),
        ("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>".to_owned()),
        ("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Providers\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>".to_owned()),
        ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>".to_owned()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in files {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

async fn an_xlsx_workbook_is_read_from_its_first_sheet_and_bad_rows_are_named(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let stored = app.store.organisation_records().await.unwrap();
    let nnuh = stored
        .iter()
        .find(|r| r.0.ods_code.as_ref().is_some_and(|c| c.as_str() == "RM1"))
        .expect("the demo's NNUH");
    let admin = sign_in(&app, &email("system-administrator", "icb")).await;
    // Matched by ODS code, without an id: a new website is a change; a new VCSE is added.
    let good = workbook(&[
        vec!["name", "kind", "ods_code", "website", "charity_number"],
        vec![&nnuh.0.name, "nhs_trust", "RM1", "https://nnuh.example", ""],
        vec!["Thetford Youth Club", "vcse", "", "", "1180003"],
    ]);
    let (status, body, to) = upload(&app, &admin, "providers.xlsx", &good).await;
    assert_eq!(status, 303, "{body}");
    let (_, page) = get_text(&app, &admin, &to.unwrap()).await;
    // Columns the sheet leaves out (description, email, phone, ...) are kept as stored.
    let differs = nnuh.1.website.as_deref() != Some("https://nnuh.example")
        || nnuh.1.charity_number.is_some();
    assert_eq!(
        (count(&page, "data-added"), count(&page, "data-changed")),
        (1, usize::from(differs))
    );

    let bad = workbook(&[
        vec!["name", "kind", "ods_code"],
        vec!["Fine Trust", "nhs_trust", "RX9"],
        vec!["Broken Trust", "nhs_trust", "not a code!"],
    ]);
    let (status, body, to) = upload(&app, &admin, "bad.xlsx", &bad).await;
    assert_eq!(status, 422, "{body}");
    assert!(to.is_none());
    assert!(
        body.contains("<td>3</td><td>ODS code"),
        "row 3 is named: {body}"
    );
    assert_eq!(app.store.organisation_records().await.unwrap(), stored);
}

async fn a_bad_row_is_named_by_row_field_and_reason_and_nothing_is_kept(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let stored = app.store.organisation_records().await.unwrap();
    let admin = sign_in(&app, &email("system-administrator", "icb")).await;
    let csv = "name,kind,ods_code,gss_code,email\n\
               Holt Community Larder,vcse,,,larder@holt.example\n\
               Broken Trust,nhs_trust,??,,\n\
               Somewhere Council,district_council,,,\n\
               Another Larder,vcse,,,not-an-address\n";
    let (status, body, to) = upload(&app, &admin, "providers.csv", csv.as_bytes()).await;
    assert_eq!(status, 422, "{body}");
    assert!(to.is_none());
    assert!(body.contains("There is a problem"), "{body}");
    for (row, field) in [(3, "ods_code"), (4, "gss_code"), (5, "email")] {
        assert!(
            body.contains(&format!("<td>{row}</td><td>"))
                && body.contains(&format!("<code>{field}</code>")),
            "row {row}, {field}: {body}"
        );
    }
    assert!(
        !body.contains("Holt Community Larder"),
        "good rows are not listed as problems"
    );
    assert_eq!(
        app.store.organisation_records().await.unwrap(),
        stored,
        "nothing stored"
    );

    // A code that already belongs to another stored organisation is a bad row too.
    let taken = format!(
        "id,name,kind,ods_code\n{},A New Trust,nhs_trust,RM1\n",
        OrganisationId::for_code("test:new-trust")
    );
    let (status, body, _) = upload(&app, &admin, "taken.csv", taken.as_bytes()).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("RM1 is also the code of"), "{body}");
    assert_eq!(app.store.organisation_records().await.unwrap(), stored);
}

async fn a_preview_the_stored_data_has_moved_past_is_refused(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let stored = app.store.organisation_records().await.unwrap();
    let admin = sign_in(&app, &email("system-administrator", "icb")).await;
    let list = edited(&stored);
    let (status, body, to) = upload(
        &app,
        &admin,
        "providers.csv",
        organisations_csv::write(&list).as_bytes(),
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let preview = to.unwrap();
    let (_, page) = get_text(&app, &admin, &preview).await;
    let fingerprint = hidden(&page, "fingerprint");

    // Meanwhile a colleague edits one organisation through its form.
    let colleague = sign_in(&app, &email("system-administrator", "norfolk-cc")).await;
    let target = &stored[stored.len() - 1];
    let edit = format!("/organisations/{}/edit", target.0.id);
    let (_, form) = get_text(&app, &colleague, &edit).await;
    let mut fields = form_fields(target);
    set(&mut fields, "phone", "01493 111 222");
    let (status, body, _) = post_form(&app, &colleague, &edit, &edit, &fields).await;
    assert_eq!(status, 303, "{form}\n{body}");
    let after_colleague = app.store.organisation_records().await.unwrap();
    assert_ne!(after_colleague, stored);

    let (status, body, _) = post_form(
        &app,
        &admin,
        UPLOAD,
        &format!("{preview}/confirm"),
        &[("fingerprint".into(), fingerprint)],
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("Nothing was applied"), "{body}");
    assert_eq!(
        app.store.organisation_records().await.unwrap(),
        after_colleague,
        "nothing of the upload applied"
    );
    let (status, page) = get_text(&app, &admin, &preview).await;
    assert_eq!(status, 409);
    assert!(page.contains("id=\"stale\""), "{page}");
    assert!(audit_actions(&app, "organisations.upload").await.is_empty());
}

fn form_fields(r: &OrganisationRecord) -> Vec<(String, String)> {
    goldthread_domain::directory::organisations_diff::field_values(r)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

fn set(f: &mut Vec<(String, String)>, name: &str, value: &str) {
    f.retain(|(k, _)| k != name);
    f.push((name.into(), value.into()));
}

async fn the_edit_form_stores_an_attributed_audited_change(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let stored = app.store.organisation_records().await.unwrap();
    let vcse = stored
        .iter()
        .find(|r| r.0.kind == OrganisationKind::Vcse)
        .expect("a demo VCSE")
        .clone();
    let admin = sign_in(&app, &email("system-administrator", "great-yarmouth")).await;
    let page_path = format!("/organisations/{}", vcse.0.id);
    let (_, org_page) = get_text(&app, &admin, &page_path).await;
    assert!(
        org_page.contains("id=\"edit-organisation\""),
        "editors see the link"
    );
    let edit = format!("{page_path}/edit");
    let (status, form) = get_text(&app, &admin, &edit).await;
    assert_eq!(status, 200, "{form}");
    assert!(form.contains(&vcse.0.name));

    let mut fields = form_fields(&vcse);
    set(&mut fields, "website", "https://volunteers.example");
    set(&mut fields, "companies_house", "sc123456");
    let (status, body, to) = post_form(&app, &admin, &edit, &edit, &fields).await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(to.as_deref(), Some(page_path.as_str()));
    let (_, profile) = app
        .store
        .organisation_record(&vcse.0.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        profile.website.as_deref(),
        Some("https://volunteers.example")
    );
    assert_eq!(
        profile.companies_house.as_deref(),
        Some("SC123456"),
        "parsed into its form"
    );
    let changes = app.store.organisation_changes(&vcse.0.id).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].how, "edit");
    assert!(changes[0]
        .changed_by
        .contains("system-administrator.great-yarmouth@demo.goldthread.invalid"));
    let fields_changed: Vec<&str> = changes[0].fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields_changed, ["website", "companies_house"]);
    let audit = audit_actions(&app, "organisation.edit").await;
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(audit[0].contains(&vcse.0.id.to_string()));
}

async fn a_bad_edit_comes_back_422_with_an_error_summary_and_stores_nothing(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let stored = app.store.organisation_records().await.unwrap();
    let council = stored
        .iter()
        .find(|r| r.0.gss_code.is_some())
        .expect("a demo council")
        .clone();
    let admin = sign_in(&app, &email("system-administrator", "icb")).await;
    let edit = format!("/organisations/{}/edit", council.0.id);
    let mut fields = form_fields(&council);
    set(&mut fields, "name", "");
    set(&mut fields, "gss_code", "");
    set(&mut fields, "charity_number", "12");
    let (status, body, _) = post_form(&app, &admin, &edit, &edit, &fields).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("error-summary"), "{body}");
    for id in ["name", "gss_code", "charity_number"] {
        assert!(
            body.contains(&format!("href=\"#{id}\"")),
            "{id} in the summary: {body}"
        );
    }
    // Another organisation's code is refused as an upload refuses it.
    let other = stored
        .iter()
        .find(|r| r.0.ods_code.is_some())
        .expect("an NHS body");
    let mut fields = form_fields(&council);
    set(
        &mut fields,
        "ods_code",
        other.0.ods_code.as_ref().unwrap().as_str(),
    );
    let (status, body, _) = post_form(&app, &admin, &edit, &edit, &fields).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("href=\"#ods_code\""), "{body}");
    // Nothing changed is not a change.
    let (status, _, _) = post_form(&app, &admin, &edit, &edit, &form_fields(&council)).await;
    assert_eq!(status, 422);
    assert_eq!(app.store.organisation_records().await.unwrap(), stored);
    assert!(app
        .store
        .organisation_changes(&council.0.id)
        .await
        .unwrap()
        .is_empty());
}

async fn signed_out_and_unauthorised_users_are_refused(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let stored = app.store.organisation_records().await.unwrap();
    let target = stored[0].clone();
    let edit = format!("/organisations/{}/edit", target.0.id);

    let anonymous = client();
    for path in [UPLOAD, edit.as_str()] {
        let r = anonymous
            .get(app.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection(), "{path}: {}", r.status());
        assert!(location(&r).unwrap().starts_with("/sign-in"), "{path}");
    }
    let mut fields = form_fields(&target);
    set(&mut fields, "name", "Taken over");
    let r = anonymous
        .post(app.url(&edit))
        .form(&fields)
        .send()
        .await
        .unwrap();
    // Signed out, a form post is sent to sign in like any page, and changes nothing.
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).unwrap().starts_with("/sign-in"));
    let (content_type, body) = multipart("", "x.csv", b"name,kind\nTaken over,vcse\n");
    let r = anonymous
        .post(app.url(UPLOAD))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).unwrap().starts_with("/sign-in"));

    for role in ["analyst", "viewer", "ig-lead", "case-worker"] {
        let c = sign_in(&app, &email(role, "icb")).await;
        assert_eq!(get_text(&app, &c, UPLOAD).await.0, 403, "{role}");
        assert_eq!(get_text(&app, &c, &edit).await.0, 403, "{role}");
        let (_, org_page) = get_text(&app, &c, &format!("/organisations/{}", target.0.id)).await;
        assert!(
            !org_page.contains("edit-organisation"),
            "{role} sees no edit link"
        );
        let (status, _, _) = post_form(&app, &c, "/", &edit, &fields).await;
        assert_eq!(status, 403, "{role}");
        let (_, page) = get_text(&app, &c, "/").await;
        let (content_type, body) =
            multipart(&csrf_in(&page), "x.csv", b"name,kind\nTaken over,vcse\n");
        let r = c
            .post(app.url(UPLOAD))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403, "{role}");
    }
    // A wrong CSRF token is refused even for an editor.
    let admin = sign_in(&app, &email("system-administrator", "icb")).await;
    let (content_type, body) = multipart("forged", "x.csv", b"name,kind\nTaken over,vcse\n");
    let r = admin
        .post(app.url(UPLOAD))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(app.store.organisation_records().await.unwrap(), stored);
}

on_both_backends!(
    an_upload_previews_what_changes_and_the_confirmation_applies_it_attributed,
    an_xlsx_workbook_is_read_from_its_first_sheet_and_bad_rows_are_named,
    a_bad_row_is_named_by_row_field_and_reason_and_nothing_is_kept,
    a_preview_the_stored_data_has_moved_past_is_refused,
    the_edit_form_stores_an_attributed_audited_change,
    a_bad_edit_comes_back_422_with_an_error_summary_and_stores_nothing,
    signed_out_and_unauthorised_users_are_refused,
);
