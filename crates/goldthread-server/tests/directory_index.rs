//! The directory search answers from memory, yet never from stale data: a write through the
//! server's store is in the very next search, a write by another process is seen through the
//! database's directory version, and the index finds what the database's own full-text search
//! finds.

use std::time::Duration;

use goldthread_domain::directory::{RecordId, Service, ServiceId};
use goldthread_server::AppState;
use goldthread_store::testing::TestDatabase;
use goldthread_store::{Backend, ServiceQuery, Store};
use goldthread_testkit::{on_both_backends, TestApp};
use serde_json::Value;

/// A copy of a demo service under a new id and name.
async fn new_service(store: &Store, key: &str, name: &str) -> Service {
    let hits = store
        .search_services(&ServiceQuery {
            text: Some("debt".into()),
            page: 1,
            per_page: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut s = hits.services[0].clone();
    s.id = ServiceId::for_key(key);
    s.name = name.into();
    s.description = "Dancing for carers, every Tuesday.".into();
    for a in &mut s.areas {
        a.id = RecordId::for_key(&format!("{key}/{}", a.name));
    }
    s
}

async fn names(get: impl std::future::Future<Output = (u16, Value)>) -> Vec<String> {
    let (status, page) = get.await;
    assert_eq!(status, 200, "{page}");
    page["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_write_through_the_servers_store_is_in_the_next_search(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    assert!(names(app.get_json("/services?text=zumba")).await.is_empty());
    let s = new_service(&app.store, "zumba", "Zumba for carers").await;
    app.store
        .put_services(std::slice::from_ref(&s))
        .await
        .unwrap();
    assert_eq!(
        names(app.get_json("/services?text=zumba")).await,
        ["Zumba for carers"]
    );
    let (status, full) = app.get_json(&format!("/services/{}", s.id)).await;
    assert_eq!(status, 200);
    assert_eq!(full["name"], "Zumba for carers");

    // Renaming the organisation changes the organisation inside every listed service.
    let (org, mut profile) = app
        .store
        .organisation_record(&s.organisation)
        .await
        .unwrap()
        .unwrap();
    let mut renamed = org.clone();
    renamed.name = format!("{} (renamed)", org.name);
    profile.description = "Now renamed".into();
    app.store
        .import_organisations(&[(renamed.clone(), profile)], None)
        .await
        .unwrap();
    let (_, page) = app.get_json("/services?text=zumba").await;
    assert_eq!(page["contents"][0]["organization"]["name"], renamed.name);

    // And the web page's search finds it too.
    let (_, html) = app.get_text("/directory?text=zumba").await;
    assert!(html.contains("Zumba for carers"));
}

async fn a_write_by_another_process_is_seen_through_the_directory_version(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    goldthread_demo::install(&db.store).await.unwrap();
    // Read the version on every request, so no test waits for a clock.
    let state = AppState::load(db.store.clone())
        .await
        .unwrap()
        .with_directory_recheck(Duration::ZERO);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(goldthread_server::serve(
        listener,
        state,
        std::future::pending(),
    ));
    let get = |path: &str| {
        let url = format!("{base}{path}");
        async move {
            let r = reqwest::get(url).await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    assert!(names(get("/services?text=zumba")).await.is_empty());
    // Another process: its own connections, its own count of writes.
    let other = Store::connect(&db.url).await.unwrap();
    let s = new_service(&other, "zumba", "Zumba for carers").await;
    other.put_services(&[s]).await.unwrap();
    assert_eq!(
        names(get("/services?text=zumba")).await,
        ["Zumba for carers"]
    );
    other.close().await;
}

async fn the_index_finds_what_the_databases_full_text_search_finds(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    for text in [
        "debt advice",
        "swimming",
        "warm homes",
        "Disabled Facilities Grants",
        "carers",
        "housing",
        "homelessness prevention",
        "social prescribing",
        "Gorleston",
        "leisure centres",
    ] {
        let q = ServiceQuery {
            text: Some(text.into()),
            page: 1,
            per_page: 200,
            ..Default::default()
        };
        let mut db: Vec<String> = app
            .store
            .search_services(&q)
            .await
            .unwrap()
            .services
            .into_iter()
            .map(|s| s.id.to_string())
            .collect();
        let (status, page) = app
            .get_json(&format!(
                "/services?per_page=200&text={}",
                text.replace(' ', "+")
            ))
            .await;
        assert_eq!(status, 200);
        let mut ours: Vec<String> = page["contents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_owned())
            .collect();
        assert!(!db.is_empty(), "{text}: the demo has such services");
        db.sort();
        ours.sort();
        assert_eq!(ours, db, "{text}");
    }
}

on_both_backends!(
    a_write_through_the_servers_store_is_in_the_next_search,
    a_write_by_another_process_is_seen_through_the_directory_version,
    the_index_finds_what_the_databases_full_text_search_finds,
);
