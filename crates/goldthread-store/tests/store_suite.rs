//! The store's behaviour, run against SQLite and a real PostgreSQL server alike.

use goldthread_domain::geography::ReferenceGeography;
use goldthread_domain::organisation::{
    IntegratedCareSystem, Organisation, OrganisationId, OrganisationKind,
};
use goldthread_domain::{GssCode, OdsCode};
use goldthread_store::{test_on_both_backends, Store};

fn code(s: &str) -> GssCode {
    GssCode::parse(s).unwrap()
}

fn council(name: &str, gss: &str, kind: OrganisationKind) -> Organisation {
    Organisation {
        id: OrganisationId::for_code(gss),
        name: name.into(),
        kind,
        ods_code: None,
        gss_code: Some(code(gss)),
    }
}

fn small_system() -> (IntegratedCareSystem, Vec<Organisation>) {
    let icb = Organisation {
        id: OrganisationId::for_code("QMM"),
        name: "NHS Norfolk and Waveney Integrated Care Board".into(),
        kind: OrganisationKind::IntegratedCareBoard,
        ods_code: Some(OdsCode::parse("QMM").unwrap()),
        gss_code: None,
    };
    let orgs = vec![
        icb,
        council(
            "Norfolk County Council",
            "E10000020",
            OrganisationKind::CountyCouncil,
        ),
        council(
            "Norwich City Council",
            "E07000148",
            OrganisationKind::DistrictCouncil,
        ),
    ];
    let system = IntegratedCareSystem {
        icb: code("E54000022"),
        name: "Norfolk and Waveney".into(),
        members: orgs.iter().map(|o| o.id).collect(),
    };
    (system, orgs)
}

async fn a_new_store_has_no_geography(store: Store) {
    assert!(store.reference_geography().await.unwrap().is_none());
    assert!(store.systems().await.unwrap().is_empty());
}

async fn the_reference_geography_round_trips(store: Store) {
    let geo = ReferenceGeography::england_2024();
    store.replace_reference_geography(&geo).await.unwrap();
    let back = store.reference_geography().await.unwrap().expect("loaded");
    assert_eq!(back.vintage, geo.vintage);
    assert_eq!(back.authorities(), geo.authorities());
    assert_eq!(back.icbs(), geo.icbs());
    let mut a = geo.shares().to_vec();
    let mut b = back.shares().to_vec();
    a.sort_by_key(|s| (s.authority, s.icb));
    b.sort_by_key(|s| (s.authority, s.icb));
    assert_eq!(a, b);
}

async fn loading_the_geography_twice_replaces_it(store: Store) {
    let geo = ReferenceGeography::england_2024();
    store.replace_reference_geography(&geo).await.unwrap();
    store.replace_reference_geography(&geo).await.unwrap();
    let back = store.reference_geography().await.unwrap().unwrap();
    assert_eq!(back.authorities().len(), geo.authorities().len());
    assert_eq!(back.shares().len(), geo.shares().len());
}

async fn a_system_and_its_organisations_round_trip(store: Store) {
    store
        .replace_reference_geography(&ReferenceGeography::england_2024())
        .await
        .unwrap();
    let (system, orgs) = small_system();
    store.put_system(&system, &orgs).await.unwrap();
    let systems = store.systems().await.unwrap();
    assert_eq!(systems.len(), 1);
    assert_eq!(systems[0].name, "Norfolk and Waveney");
    let mut members = store.organisations_in(&system.icb).await.unwrap();
    let mut expected = orgs.clone();
    members.sort_by_key(|o| o.id);
    expected.sort_by_key(|o| o.id);
    assert_eq!(members, expected);
    let norwich = store.organisation(&orgs[2].id).await.unwrap().unwrap();
    assert_eq!(norwich.name, "Norwich City Council");
    assert!(store
        .organisation(&OrganisationId::new_random())
        .await
        .unwrap()
        .is_none());
}

async fn a_failed_geography_import_leaves_the_database_as_it_was(store: Store) {
    let geo = ReferenceGeography::england_2024();
    store.replace_reference_geography(&geo).await.unwrap();
    let (system, orgs) = small_system();
    store.put_system(&system, &orgs).await.unwrap();

    // A new geography that renames every authority but drops the ICB a system depends on: the
    // import writes hundreds of rows before the database refuses the deletion of that ICB.
    let authorities = geo
        .authorities()
        .iter()
        .cloned()
        .map(|mut a| {
            a.name = format!("{} (renamed)", a.name);
            a
        })
        .collect();
    let icbs = geo
        .icbs()
        .iter()
        .filter(|i| i.code != system.icb)
        .cloned()
        .collect();
    let shares = geo
        .shares()
        .iter()
        .map(|s| {
            let mut s = s.clone();
            if s.icb == system.icb {
                s.icb = code("E54000023");
            }
            s
        })
        .collect::<Vec<_>>();
    let mut merged: Vec<_> = Vec::new();
    for s in shares {
        match merged
            .iter_mut()
            .find(|m: &&mut goldthread_domain::geography::IcbShare| {
                m.authority == s.authority && m.icb == s.icb
            }) {
            Some(m) => m.lsoa_count += s.lsoa_count,
            None => merged.push(s),
        }
    }
    let broken = ReferenceGeography::from_parts("broken", authorities, icbs, merged).unwrap();
    assert!(store.replace_reference_geography(&broken).await.is_err());

    let back = store.reference_geography().await.unwrap().unwrap();
    assert_eq!(back.vintage, geo.vintage);
    assert_eq!(
        back.authorities(),
        geo.authorities(),
        "no renamed authority survived"
    );
    assert_eq!(back.icbs().len(), 42);
    assert_eq!(store.systems().await.unwrap().len(), 1);
}

async fn a_failed_system_write_keeps_the_previous_members(store: Store) {
    store
        .replace_reference_geography(&ReferenceGeography::england_2024())
        .await
        .unwrap();
    let (system, orgs) = small_system();
    store.put_system(&system, &orgs).await.unwrap();
    // The second write names a member that does not exist, after replacing the member list.
    let mut bad = system.clone();
    bad.members = vec![orgs[0].id, OrganisationId::new_random()];
    assert!(store.put_system(&bad, &orgs[..1]).await.is_err());
    assert_eq!(store.organisations_in(&system.icb).await.unwrap().len(), 3);
}

async fn a_system_needs_a_known_icb(store: Store) {
    store
        .replace_reference_geography(&ReferenceGeography::england_2024())
        .await
        .unwrap();
    let (mut system, orgs) = small_system();
    system.icb = code("E54000999");
    assert!(store.put_system(&system, &orgs).await.is_err());
    assert!(store.systems().await.unwrap().is_empty());
    assert!(
        store.organisation(&orgs[0].id).await.unwrap().is_none(),
        "nothing half-written"
    );
}

async fn reopening_applies_no_migration_twice(store: Store) {
    store.ping().await.unwrap();
    // Connecting runs the migrator; a second run on a migrated database must be a no-op.
    let geo = ReferenceGeography::england_2024();
    store.replace_reference_geography(&geo).await.unwrap();
    assert!(store.reference_geography().await.unwrap().is_some());
}

test_on_both_backends!(
    a_new_store_has_no_geography,
    the_reference_geography_round_trips,
    loading_the_geography_twice_replaces_it,
    a_system_and_its_organisations_round_trip,
    a_failed_geography_import_leaves_the_database_as_it_was,
    a_failed_system_write_keeps_the_previous_members,
    a_system_needs_a_known_icb,
    reopening_applies_no_migration_twice,
);

#[tokio::test]
async fn reopening_a_sqlite_file_keeps_its_data() {
    let dir = tempfile_dir();
    let url = format!("sqlite://{}", dir.join("gt.db").display());
    let store = Store::connect(&url).await.unwrap();
    store
        .replace_reference_geography(&ReferenceGeography::england_2024())
        .await
        .unwrap();
    store.close().await;
    let again = Store::connect(&url).await.unwrap();
    assert_eq!(
        again
            .reference_geography()
            .await
            .unwrap()
            .unwrap()
            .icbs()
            .len(),
        42
    );
    std::fs::remove_dir_all(dir).unwrap();
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gt-reopen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
