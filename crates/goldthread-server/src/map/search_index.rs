//! The service directory held in memory for searching: an inverted index over stemmed words,
//! lists of services by taxonomy term, organisation and area code, and each service's Open
//! Referral UK JSON serialised once, so a search costs microseconds and no database round trip.
//!
//! The database stays the source of truth: an index is built whole from a
//! [`DirectorySnapshot`] and replaced when the directory version moves (see `live_index`).
//!
//! Words are matched as PostgreSQL's `english` configuration matches them: lower-cased, English
//! stop words dropped, Snowball-stemmed, every word required. Services whose name holds more of
//! the words come first, then by a BM25-like weight, then by name.

use std::collections::HashMap;
use std::sync::LazyLock;

use goldthread_domain::directory::oruk::{FullService, Organization, Page, ServiceSummary};
use goldthread_domain::directory::{Service, ServiceId, TaxonomyTerm, TermId};
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::GssCode;
use goldthread_store::{DirectorySnapshot, ServiceQuery};
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;

/// The English stop words PostgreSQL's `english` configuration (Snowball's list) leaves out.
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "can", "did", "do", "does", "doing", "don", "down", "during", "each", "few", "for",
    "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
    "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just",
    "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once",
    "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "s", "same", "she",
    "should", "so", "some", "such", "t", "than", "that", "the", "their", "theirs", "them",
    "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while",
    "who", "whom", "why", "will", "with", "you", "your", "yours", "yourself", "yourselves",
];

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The searchable words of a text: lower case, stop words dropped, stemmed.
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .map(|w| STEMMER.stem(&w).into_owned())
        .collect()
}

/// Where a word occurs in one service: how often in its name and in the rest of its text.
#[derive(Clone, Copy, Debug)]
struct Posting {
    doc: u32,
    in_name: u16,
    in_body: u16,
}

/// One service: its id, its organisation's slot, and its ORUK JSON in two pieces that are
/// joined around the organisation's JSON when answering.
struct Doc {
    id: ServiceId,
    org: u32,
    /// The ORUK service summary object without its closing brace.
    summary: Box<str>,
    /// The full record's child collections, as object members without braces.
    children: Box<str>,
}

/// The child collections of a full ORUK record, in [`FullService`]'s field order.
#[derive(Serialize)]
struct Children<'a> {
    schedules: &'a [goldthread_domain::directory::oruk::serde_schedule::Value],
    service_areas: &'a [goldthread_domain::directory::oruk::serde_schedule::Value],
    service_at_locations: &'a [goldthread_domain::directory::oruk::serde_schedule::Value],
    contacts: &'a [goldthread_domain::directory::oruk::serde_schedule::Value],
    cost_options: &'a [goldthread_domain::directory::oruk::serde_schedule::Value],
    attributes: &'a [goldthread_domain::directory::oruk::serde_schedule::Value],
}

/// Serialises to JSON; the ORUK shapes have only string keys, so this cannot fail.
fn to_json(v: &impl Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Object members: `{"a":1}` becomes `"a":1`.
fn members(object: &str) -> &str {
    object
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or("")
}

/// One page of a search: the matching services' positions, best first, and how many matched.
#[derive(Debug)]
pub(crate) struct IndexHits {
    docs: Vec<u32>,
    /// How many services match in all.
    pub total: u64,
}

/// The directory in memory, at one version.
pub(crate) struct DirectoryIndex {
    docs: Vec<Doc>,
    by_id: HashMap<ServiceId, u32>,
    words: HashMap<String, Vec<Posting>>,
    by_term: HashMap<TermId, Vec<u32>>,
    by_org: HashMap<OrganisationId, Vec<u32>>,
    by_area: HashMap<GssCode, Vec<u32>>,
    org_json: Vec<Box<str>>,
    /// The database's directory version the index was built from.
    pub version: i64,
    /// The store's count of its own directory writes when the index was built.
    pub writes_here: u64,
}

impl DirectoryIndex {
    /// Builds the index of a snapshot. Services are numbered in (name, id) order, so a search
    /// without words is already in the order people expect.
    pub fn build(snapshot: &DirectorySnapshot, writes_here: u64) -> Self {
        let mut org_slot = HashMap::new();
        let mut org_json = Vec::new();
        for (o, p) in &snapshot.organisations {
            org_slot.insert(o.id, (org_json.len() as u32, o, p));
            org_json.push(to_json(&Organization::new(o, p)).into_boxed_str());
        }
        let mut services: Vec<&Service> = snapshot
            .services
            .iter()
            .filter(|s| org_slot.contains_key(&s.organisation))
            .collect();
        services.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
        let mut index = Self {
            docs: Vec::with_capacity(services.len()),
            by_id: HashMap::with_capacity(services.len()),
            words: HashMap::new(),
            by_term: HashMap::new(),
            by_org: HashMap::new(),
            by_area: HashMap::new(),
            org_json,
            version: snapshot.version,
            writes_here,
        };
        for (n, s) in services.into_iter().enumerate() {
            let (slot, org, profile) = org_slot[&s.organisation];
            index.add(n as u32, s, slot, org, profile, &snapshot.terms);
        }
        index
    }

    fn add(
        &mut self,
        doc: u32,
        s: &Service,
        slot: u32,
        org: &goldthread_domain::organisation::Organisation,
        profile: &goldthread_domain::directory::oruk::OrganisationProfile,
        terms: &[TaxonomyTerm],
    ) {
        let full = FullService::new(s, org, profile, terms);
        let summary = to_json(&ServiceSummary::from(s));
        let children = to_json(&Children {
            schedules: &full.schedules,
            service_areas: &full.service_areas,
            service_at_locations: &full.service_at_locations,
            contacts: &full.contacts,
            cost_options: &full.cost_options,
            attributes: &full.attributes,
        });
        self.docs.push(Doc {
            id: s.id,
            org: slot,
            summary: summary[..summary.len() - 1].into(),
            children: members(&children).into(),
        });
        self.by_id.insert(s.id, doc);
        // The same text the database indexes: name, description, area names and term names.
        let mut counts: HashMap<String, (u16, u16)> = HashMap::new();
        for w in words(&s.name) {
            let c = counts.entry(w).or_default();
            c.0 = c.0.saturating_add(1);
        }
        let mut body = s.description.clone();
        for a in &s.areas {
            body.push(' ');
            body.push_str(&a.name);
        }
        for t in terms.iter().filter(|t| s.terms.contains(&t.id)) {
            body.push(' ');
            body.push_str(&t.name);
        }
        for w in words(&body) {
            let c = counts.entry(w).or_default();
            c.1 = c.1.saturating_add(1);
        }
        for (w, (in_name, in_body)) in counts {
            self.words.entry(w).or_default().push(Posting {
                doc,
                in_name,
                in_body,
            });
        }
        let mut term_ids = s.terms.clone();
        term_ids.sort();
        term_ids.dedup();
        for t in term_ids {
            self.by_term.entry(t).or_default().push(doc);
        }
        self.by_org.entry(s.organisation).or_default().push(doc);
        let mut codes: Vec<GssCode> = s.areas.iter().filter_map(|a| a.gss).collect();
        codes.sort();
        codes.dedup();
        for c in codes {
            self.by_area.entry(c).or_default().push(doc);
        }
    }

    /// How many services the index holds.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// The services matching every filter of `q`, one page of them, and how many in all.
    pub fn search(&self, q: &ServiceQuery) -> IndexHits {
        let per_page = q.per_page.clamp(1, 200) as usize;
        let page = q.page.max(1) as usize;
        let start = (page - 1).saturating_mul(per_page);
        let none = IndexHits {
            docs: vec![],
            total: 0,
        };
        // Every filter is a sorted list of services; a missing list means nothing matches.
        let mut lists: Vec<&[u32]> = Vec::new();
        if let Some(t) = &q.term {
            match self.by_term.get(t) {
                Some(l) => lists.push(l),
                None => return none,
            }
        }
        if let Some(o) = &q.organisation {
            match self.by_org.get(o) {
                Some(l) => lists.push(l),
                None => return none,
            }
        }
        let area_union: Vec<u32>;
        if !q.areas.is_empty() {
            let mut u: Vec<u32> = q
                .areas
                .iter()
                .filter_map(|a| self.by_area.get(a))
                .flatten()
                .copied()
                .collect();
            u.sort_unstable();
            u.dedup();
            area_union = u;
            lists.push(&area_union);
        }
        let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let Some(text) = text else {
            return self.filter_only(&lists, start, per_page);
        };
        let mut query_words = words(text);
        query_words.sort();
        query_words.dedup();
        let mut postings: Vec<(&[Posting], f32)> = Vec::with_capacity(query_words.len());
        for w in &query_words {
            match self.words.get(w) {
                Some(p) => postings.push((p, self.idf(p.len()))),
                None => return none,
            }
        }
        if postings.is_empty() {
            // Only punctuation or stop words: nothing to look for.
            return none;
        }
        postings.sort_by_key(|(p, _)| p.len());
        let (driver, _) = postings[0];
        let mut scored: Vec<(u16, f32, u32)> = Vec::new();
        'docs: for p in driver {
            let doc = p.doc;
            if !lists.iter().all(|l| l.binary_search(&doc).is_ok()) {
                continue;
            }
            let (mut names, mut weight) = (0u16, 0f32);
            for (list, idf) in &postings {
                let Ok(i) = list.binary_search_by_key(&doc, |x| x.doc) else {
                    continue 'docs;
                };
                let hit = list[i];
                if hit.in_name > 0 {
                    names += 1;
                }
                let tf = 3.0 * f32::from(hit.in_name) + f32::from(hit.in_body);
                weight += idf * tf / (tf + 1.2);
            }
            scored.push((names, weight, doc));
        }
        let total = scored.len();
        let best_first = |a: &(u16, f32, u32), b: &(u16, f32, u32)| {
            b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2))
        };
        let end = start.saturating_add(per_page).min(total);
        if start >= total {
            return IndexHits {
                docs: vec![],
                total: total as u64,
            };
        }
        if end < total {
            scored.select_nth_unstable_by(end, best_first);
            scored.truncate(end);
        }
        scored.sort_unstable_by(best_first);
        IndexHits {
            docs: scored[start..end].iter().map(|s| s.2).collect(),
            total: total as u64,
        }
    }

    fn idf(&self, df: usize) -> f32 {
        let n = self.docs.len() as f32;
        let df = df as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// A search without words: the filtered services in name order.
    fn filter_only(&self, lists: &[&[u32]], start: usize, per_page: usize) -> IndexHits {
        let Some((driver, rest)) = ({
            let mut sorted: Vec<&[u32]> = lists.to_vec();
            sorted.sort_by_key(|l| l.len());
            sorted.split_first().map(|(d, r)| (*d, r.to_vec()))
        }) else {
            let total = self.docs.len();
            let end = start.saturating_add(per_page).min(total);
            return IndexHits {
                docs: (start.min(total)..end).map(|d| d as u32).collect(),
                total: total as u64,
            };
        };
        let mut total = 0usize;
        let mut docs = Vec::with_capacity(per_page);
        for &doc in driver {
            if rest.iter().all(|l| l.binary_search(&doc).is_ok()) {
                if total >= start && docs.len() < per_page {
                    docs.push(doc);
                }
                total += 1;
            }
        }
        IndexHits {
            docs,
            total: total as u64,
        }
    }

    /// The ids of a page of hits, in order.
    pub fn ids(&self, hits: &IndexHits) -> Vec<ServiceId> {
        hits.docs
            .iter()
            .map(|&d| self.docs[d as usize].id)
            .collect()
    }

    /// An ORUK page object of list items for a page of hits.
    pub fn page_json(&self, hits: &IndexHits, page: u64, per_page: u64) -> String {
        let shape = Page::new(vec![(); hits.docs.len()], hits.total, page, per_page);
        let mut out = String::with_capacity(256 + hits.docs.len() * 1024);
        out.push_str(&format!(
            "{{\"total_items\":{},\"total_pages\":{},\"page_number\":{},\"size\":{},\
             \"first_page\":{},\"last_page\":{},\"empty\":{},\"contents\":[",
            shape.total_items,
            shape.total_pages,
            shape.page_number,
            shape.size,
            shape.first_page,
            shape.last_page,
            shape.empty
        ));
        for (i, &d) in hits.docs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let doc = &self.docs[d as usize];
            out.push_str(&doc.summary);
            out.push_str(",\"organization\":");
            out.push_str(&self.org_json[doc.org as usize]);
            out.push('}');
        }
        out.push_str("]}");
        out
    }

    /// A service's full ORUK record, if the directory has it.
    pub fn full_json(&self, id: &ServiceId) -> Option<String> {
        let doc = &self.docs[*self.by_id.get(id)? as usize];
        let org = &self.org_json[doc.org as usize];
        let mut out =
            String::with_capacity(doc.summary.len() + org.len() + doc.children.len() + 32);
        out.push_str(&doc.summary);
        out.push_str(",\"organization\":");
        out.push_str(org);
        if !doc.children.is_empty() {
            out.push(',');
            out.push_str(&doc.children);
        }
        out.push('}');
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveTime, Utc};
    use goldthread_domain::directory::oruk::{OrganisationProfile, ServiceListItem};
    use goldthread_domain::directory::{
        Eligibility, RecordId, Schedule, ServiceArea, ServiceStatus,
    };
    use goldthread_domain::organisation::{Organisation, OrganisationKind};

    fn org(name: &str) -> (Organisation, OrganisationProfile) {
        (
            Organisation {
                id: OrganisationId::for_code(name),
                name: name.into(),
                kind: OrganisationKind::Vcse,
                ods_code: None,
                gss_code: None,
            },
            OrganisationProfile {
                description: format!("{name} helps"),
                ..Default::default()
            },
        )
    }

    fn service(key: &str, org: &str, name: &str, description: &str, area: &str) -> Service {
        Service {
            id: ServiceId::for_key(key),
            organisation: OrganisationId::for_code(org),
            name: name.into(),
            description: description.into(),
            url: None,
            email: None,
            status: ServiceStatus::Active,
            eligibility: Eligibility::default(),
            last_verified: None,
            verified_by: None,
            last_updated: Utc::now(),
            terms: vec![TermId::for_key("debt")],
            areas: vec![ServiceArea {
                id: RecordId::for_key(key),
                name: "Norwich".into(),
                gss: Some(GssCode::parse(area).unwrap()),
            }],
            locations: vec![],
            contacts: vec![],
            schedules: vec![Schedule::from_rrule(
                RecordId::for_key(&format!("{key}/s")),
                "FREQ=WEEKLY;BYDAY=MO",
                NaiveTime::from_hms_opt(9, 0, 0),
                NaiveTime::from_hms_opt(12, 0, 0),
                "",
            )
            .unwrap()],
            cost_options: vec![],
        }
    }

    fn snapshot() -> DirectorySnapshot {
        let mut snapshot = DirectorySnapshot {
            version: 7,
            services: vec![
                service(
                    "a",
                    "A",
                    "Money clinic",
                    "Help with debts and bills",
                    "E07000148",
                ),
                service("b", "B", "Debt advice", "Advice on money", "E07000145"),
                service("c", "A", "Swimming", "Lessons at the pool", "E07000148"),
            ],
            organisations: vec![org("A"), org("B")],
            terms: vec![TaxonomyTerm {
                id: TermId::for_key("debt"),
                code: "debt".into(),
                name: "Debt advice".into(),
                description: String::new(),
                parent: None,
            }],
        };
        snapshot.services[2].terms = vec![TermId::for_key("leisure")];
        snapshot
    }

    fn names(index: &DirectoryIndex, q: &ServiceQuery) -> Vec<String> {
        let hits = index.search(q);
        let page: serde_json::Value =
            serde_json::from_str(&index.page_json(&hits, q.page, q.per_page)).unwrap();
        page["contents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_owned())
            .collect()
    }

    fn text(t: &str) -> ServiceQuery {
        ServiceQuery {
            text: Some(t.into()),
            page: 1,
            per_page: 10,
            ..Default::default()
        }
    }

    #[test]
    fn words_are_stemmed_lower_case_and_stop_words_go() {
        assert_eq!(words("The DEBTS, and advice!"), vec!["debt", "advic"]);
        assert!(words("*:- the").is_empty());
    }

    #[test]
    fn a_service_with_the_words_in_its_name_comes_first() {
        let index = DirectoryIndex::build(&snapshot(), 0);
        // Both mention debt and money; only "Debt advice" has "debt" in its name, and only
        // "Money clinic" has "money" in its name: each query puts its own name match first.
        assert_eq!(
            names(&index, &text("debt")),
            ["Debt advice", "Money clinic"]
        );
        assert_eq!(
            names(&index, &text("money")),
            ["Money clinic", "Debt advice"]
        );
        assert_eq!(names(&index, &text("debts pool")), Vec::<String>::new());
        assert_eq!(names(&index, &text("the")), Vec::<String>::new());
    }

    #[test]
    fn filters_and_pages_without_words_keep_name_order() {
        let index = DirectoryIndex::build(&snapshot(), 0);
        let mut q = ServiceQuery {
            areas: vec![GssCode::parse("E07000148").unwrap()],
            page: 1,
            per_page: 1,
            ..Default::default()
        };
        assert_eq!(names(&index, &q), ["Money clinic"]);
        q.page = 2;
        assert_eq!(names(&index, &q), ["Swimming"]);
        assert_eq!(index.search(&q).total, 2);
        q.page = 3;
        assert_eq!(index.search(&q).total, 2, "past the end still counts");
        let q = ServiceQuery {
            organisation: Some(OrganisationId::for_code("B")),
            text: Some("advice".into()),
            page: 1,
            per_page: 10,
            ..Default::default()
        };
        assert_eq!(names(&index, &q), ["Debt advice"]);
    }

    #[test]
    fn the_spliced_json_is_what_serde_writes_for_the_oruk_shapes() {
        let snap = snapshot();
        let index = DirectoryIndex::build(&snap, 0);
        let s = &snap.services[0];
        let (o, p) = &snap.organisations[0];
        let full = FullService::new(s, o, p, &snap.terms);
        assert_eq!(
            index.full_json(&s.id).unwrap(),
            serde_json::to_string(&full).unwrap()
        );
        let hits = index.search(&text("clinic"));
        let page: Page<ServiceListItem> =
            serde_json::from_str(&index.page_json(&hits, 1, 10)).unwrap();
        let item = ServiceListItem {
            service: ServiceSummary::from(s),
            organization: Organization::new(o, p),
        };
        assert_eq!(page, Page::new(vec![item], 1, 1, 10));
    }
}
