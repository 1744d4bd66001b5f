use chrono::NaiveDate;
use goldthread_domain::sharing::Identity;
use goldthread_domain::{NhsNumber, Postcode};

use super::*;

const GIVEN: [&str; 24] = [
    "Ada", "Brian", "Carol", "Derek", "Edna", "Frank", "Gwen", "Harold", "Iris", "Jack", "Kath",
    "Leonard", "Mabel", "Norman", "Olive", "Percy", "Queenie", "Ronald", "Sylvia", "Trevor", "Una",
    "Victor", "Winifred", "Yvonne",
];
const FAMILY: [&str; 30] = [
    "Thurlow",
    "Gedge",
    "Bessey",
    "Plume",
    "Cubitt",
    "Howes",
    "Larter",
    "Bunn",
    "Sayer",
    "Nudd",
    "Brundle",
    "Catchpole",
    "Dye",
    "Eke",
    "Fiddy",
    "Gotts",
    "Hewitt",
    "Jex",
    "Kett",
    "Loades",
    "Mobbs",
    "Neave",
    "Oakes",
    "Pegg",
    "Rix",
    "Sparkes",
    "Tuck",
    "Utting",
    "Vincent",
    "Wegg",
];
const POSTCODES: [&str; 12] = [
    "NR30 1AA", "NR30 2BB", "NR31 6DE", "NR31 9EF", "NR29 4GH", "NR30 3JJ", "NR1 3QU", "NR2 4TS",
    "NR3 1HG", "NR31 0LX", "NR32 2PL", "NR33 8QD",
];

/// A deterministic scramble of `i` (so fields vary independently).
fn mix(i: usize, salt: u64) -> usize {
    let mut x = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ salt;
    x ^= x >> 31;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    (x ^ (x >> 29)) as usize
}

/// A valid NHS number from the test range (modulus 11), the n-th one.
fn nhs(n: u64) -> Option<NhsNumber> {
    let base = 999_000_000 + n * 7;
    let digits: Vec<u32> = base
        .to_string()
        .chars()
        .map(|c| c.to_digit(10).unwrap_or(0))
        .collect();
    let sum: u32 = digits.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
    let check = (11 - sum % 11) % 11;
    (check != 10).then(|| NhsNumber::parse(&format!("{base}{check}")).expect("valid"))
}

fn person(i: usize) -> Identity {
    Identity {
        nhs_number: nhs(i as u64),
        given_name: GIVEN[mix(i, 1) % GIVEN.len()].to_owned(),
        family_name: FAMILY[mix(i, 2) % FAMILY.len()].to_owned(),
        date_of_birth: NaiveDate::from_ymd_opt(
            1930 + (mix(i, 3) % 60) as i32,
            (mix(i, 4) % 12 + 1) as u32,
            (mix(i, 5) % 28 + 1) as u32,
        )
        .expect("valid date"),
        postcode: Postcode::parse(POSTCODES[mix(i, 6) % POSTCODES.len()]).expect("valid postcode"),
    }
}

fn secret(byte: u8) -> LinkageSecret {
    LinkageSecret::new(&[byte; 32]).expect("long enough")
}

fn encoded(secret: &LinkageSecret, people: &[(i64, Identity)]) -> EncodedDataset {
    let refs: Vec<(i64, &Identity)> = people.iter().map(|(l, p)| (*l, p)).collect();
    let (scheme, rows) = encode_rows(secret, &refs).expect("encodes");
    EncodedDataset { scheme, rows }
}

#[test]
fn council_records_without_an_nhs_number_link_to_the_waiting_list_and_no_one_else_does() {
    let s = secret(b'g');
    // The hospital's list: people 0..300, lines 2.. in file order.
    let waiting: Vec<(i64, Identity)> = (0..300).map(|i| (i as i64 + 2, person(i))).collect();
    // The council's register: every third of the first 150 (no NHS numbers; some names
    // misspelt, which may or may not link) and 100 people the hospital does not have.
    let mut register = Vec::new();
    let mut truth = Vec::new();
    for i in (0..150).step_by(3) {
        let mut p = person(i);
        p.nhs_number = None;
        let line = register.len() as i64 + 2;
        if i % 2 == 0 {
            p.family_name = format!("{}e", p.family_name);
        }
        truth.push((i as i64 + 2, line));
        register.push((line, p));
    }
    // People the hospital does not have. The generator draws from short lists of names and
    // postcodes, so some of its "different" people share a full name and a postcode with
    // someone on the list and differ only in the date of birth, which is what the same person
    // with a mistyped year looks like: they are left out, so every non-match is a real one.
    let lookalike = |p: &Identity| {
        waiting.iter().any(|(_, w)| {
            w.given_name == p.given_name
                && w.family_name == p.family_name
                && w.postcode == p.postcode
        })
    };
    for i in 1000..1100 {
        let mut p = person(i);
        p.nhs_number = None;
        if lookalike(&p) {
            continue;
        }
        register.push((register.len() as i64 + 2, p));
    }
    let out = link(&encoded(&s, &waiting), &encoded(&s, &register), 0.5).expect("links");
    let found: Vec<(i64, i64)> = out
        .pairs
        .iter()
        .map(|p| (p.left_line, p.right_line))
        .collect();
    // A district-sized job with partial overlap: the bars are those of the engine's own
    // small-file tests (precision 0.99, F1 0.95), computed by its evaluation code.
    let text = |pairs: &[(i64, i64)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(l, r)| (l.to_string(), r.to_string()))
            .collect()
    };
    let q = goldthread_link::evaluate(&text(&found), &text(&truth), false);
    assert!(
        q.precision() >= 0.99,
        "precision {:.3}: {} of {} predicted pairs are true",
        q.precision(),
        q.true_positives,
        q.predicted
    );
    assert!(
        q.f1() >= 0.95,
        "F1 {:.3}: {} of {} true pairs found",
        q.f1(),
        q.true_positives,
        truth.len()
    );
    assert!(out
        .pairs
        .iter()
        .all(|p| (0.5..=1.0).contains(&p.probability)));
    assert!(out.candidate_pairs > 0);
}

#[test]
fn the_stored_encodings_hold_no_raw_identifier() {
    let s = secret(b'k');
    let people: Vec<(i64, Identity)> = (0..20).map(|i| (i as i64 + 2, person(i))).collect();
    let d = encoded(&s, &people);
    let text: String = d.rows.iter().map(|r| r.encoding.as_str()).collect();
    for (_, p) in &people {
        for raw in [
            p.nhs_number
                .as_ref()
                .map(NhsNumber::digits)
                .unwrap_or_default(),
            p.family_name.clone(),
            p.given_name.clone(),
            p.date_of_birth.to_string(),
            p.postcode.as_str().to_owned(),
        ] {
            if raw.is_empty() {
                continue;
            }
            assert!(!text.contains(&raw), "{raw} appears in the encodings");
        }
    }
    assert!(!format!("{s:?}").contains("kkkk"));
    assert_eq!(d.scheme.fingerprint, s.fingerprint());
}

#[test]
fn each_identity_column_is_encoded_into_the_field_of_its_own_name() {
    let s = secret(b'f');
    let mut without_nhs = person(7);
    without_nhs.nhs_number = None;
    let mut other_birthday = without_nhs.clone();
    other_birthday.date_of_birth = NaiveDate::from_ymd_opt(1901, 2, 3).expect("valid date");
    let d = encoded(&s, &[(2, without_nhs), (3, other_birthday)]);
    let wire: Vec<Wire> = d
        .rows
        .iter()
        .map(|r| serde_json::from_str(&r.encoding).expect("stored encodings are JSON"))
        .collect();
    let fields = spec().expect("the linkage spec").fields;
    let field = |name: &str| {
        fields
            .iter()
            .position(|f| f.name == name)
            .expect("a field of the linkage spec")
    };
    // No NHS number: that field, and only that field, is missing.
    for w in &wire {
        for (i, f) in w.f.iter().enumerate() {
            assert_eq!(f.is_none(), i == field("nhs_number"), "field {i}");
        }
    }
    // Only the date of birth differs, so only its filter differs.
    for (i, (a, b)) in wire[0].f.iter().zip(&wire[1].f).enumerate() {
        assert_eq!(a == b, i != field("date_of_birth"), "field {i}");
    }
    // Encodings made before the layout was recorded are refused, not linked wrongly.
    let mut old = d.clone();
    old.scheme.layout = 0;
    assert!(matches!(
        link(&old, &d, 0.5),
        Err(LinkageError::SchemeMismatch(_))
    ));
}

#[test]
fn datasets_encoded_under_different_secrets_do_not_link() {
    let people: Vec<(i64, Identity)> = (0..10).map(|i| (i as i64 + 2, person(i))).collect();
    let a = encoded(&secret(b'a'), &people);
    let b = encoded(&secret(b'b'), &people);
    assert!(matches!(
        link(&a, &b, 0.5),
        Err(LinkageError::SchemeMismatch(_))
    ));
    assert!(matches!(
        LinkageSecret::new(b"short"),
        Err(LinkageError::ShortSecret)
    ));
}

#[test]
fn a_damaged_stored_encoding_is_named_by_its_line() {
    let people: Vec<(i64, Identity)> = (0..5).map(|i| (i as i64 + 2, person(i))).collect();
    let s = secret(b'c');
    let good = encoded(&s, &people);
    let mut bad = good.clone();
    bad.rows[2].encoding = "{\"f\":[],\"b\":[]}".into();
    match link(&good, &bad, 0.5) {
        Err(LinkageError::Corrupt { line, .. }) => assert_eq!(line, 4),
        other => panic!("expected a corrupt-encoding error, got {other:?}"),
    }
}
