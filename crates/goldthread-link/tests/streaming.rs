//! Streaming: files read in small chunks prepare exactly as files read
//! whole, and give the same linkage.
use std::cell::RefCell;
use std::io::Cursor;

use goldthread_link::io::{read_csv_chunks, read_csv_from, write_text_columns, IdColumn};
use goldthread_link::prepare::PrepareBuilder;
use goldthread_link::synth::{generate, SynthOptions};
use goldthread_link::{run, LinkOptions, LinkSpec, Prepared, Table};

fn csv_bytes(t: &Table) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.csv");
    let mut names = vec!["id"];
    names.extend(t.header().iter().map(|h| h.as_str()));
    let mut cols = vec![(0..t.len())
        .map(|i| t.id(i).to_string())
        .collect::<Vec<_>>()];
    for c in 0..t.header().len() {
        cols.push((0..t.len()).map(|i| t.cell(i, c).to_string()).collect());
    }
    write_text_columns(&p, &names, cols).unwrap();
    std::fs::read(&p).unwrap()
}

#[test]
fn chunked_reading_prepares_exactly_like_whole_files() {
    let s = generate(&SynthOptions {
        n: 1500,
        seed: 9,
        overlap: 0.6,
        corruption: 1.0,
    });
    let (left, right) = (csv_bytes(&s.left), csv_bytes(&s.right));
    let (l, _) = read_csv_from(Cursor::new(&left), "left", &IdColumn::Infer, false).unwrap();
    let (r, _) = read_csv_from(Cursor::new(&right), "right", &IdColumn::Infer, false).unwrap();
    let spec = LinkSpec::infer(l.header(), None).unwrap();
    let whole = Prepared::link(&spec, &l, &r).unwrap();

    let builder = RefCell::new(PrepareBuilder::new(&spec, 2).unwrap());
    let mut chunks = 0;
    for bytes in [&left, &right] {
        read_csv_chunks(
            Cursor::new(bytes),
            "chunked",
            &IdColumn::Infer,
            false,
            97,
            &mut |h| builder.borrow_mut().start_file(h),
            &mut |c| {
                chunks += 1;
                builder.borrow_mut().add_chunk(c)
            },
        )
        .unwrap();
    }
    assert_eq!(chunks, 2 * 1500usize.div_ceil(97));
    let streamed = builder.into_inner().finish().unwrap();
    assert_eq!(streamed.n_left, whole.n_left);
    assert_eq!(streamed.len(), whole.len());
    for i in 0..whole.len() as u32 {
        assert_eq!(streamed.id(i), whole.id(i));
    }
    for (a, b) in streamed.fields.iter().zip(&whole.fields) {
        assert_eq!(a.entries.len(), b.entries.len(), "{}", a.spec.name);
        for i in 0..whole.len() {
            let text = |f: &goldthread_link::prepare::PreparedField| match f.values[i] {
                goldthread_link::prepare::MISSING => None,
                v => Some(f.entries[v as usize].parts[0].text.to_string()),
            };
            assert_eq!(text(a), text(b));
        }
    }
    let opts = LinkOptions {
        one_to_one: true,
        ..Default::default()
    };
    let (x, y) = (
        run(&spec, &streamed, &opts).unwrap(),
        run(&spec, &whole, &opts).unwrap(),
    );
    assert_eq!(x.matches, y.matches);
    assert!(x.matches.len() > 700, "{} matches", x.matches.len());
}

#[test]
fn a_builder_checks_its_files() {
    let spec = LinkSpec::infer(&["given_name".to_string(), "surname".to_string()], None).unwrap();
    let mut b = PrepareBuilder::new(&spec, 1).unwrap();
    let e = b.start_file(&["given_name".to_string()]).unwrap_err();
    assert!(e.to_string().contains("surname"), "{e}");
    let mut b = PrepareBuilder::new(&spec, 2).unwrap();
    b.start_file(&["surname".to_string(), "given_name".to_string()])
        .unwrap();
    assert!(b.finish().is_err(), "a link needs two files");
}
