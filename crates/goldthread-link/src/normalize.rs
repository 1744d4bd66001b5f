//! Cleaning of raw values: names, addresses, UK postcodes, dates, identifiers.
//!
//! Every function here is total: any input string gives an output (possibly
//! empty, meaning "missing"), never a panic.

/// Lower-cases a name and keeps letters, turning hyphens, dots and runs of
/// spaces into one space; apostrophes vanish (O'Neil -> oneil).
pub fn clean_name(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    for ch in raw.chars() {
        if ch.is_alphabetic() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(fold_accent(ch).to_lowercase());
        } else if ch == '\'' || ch == '\u{2019}' {
            continue;
        } else {
            space = true;
        }
    }
    out
}

/// Maps common accented Latin letters to their base letter.
fn fold_accent(ch: char) -> char {
    match ch {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'Ö' | 'Ó' | 'Ò' => 'o',
        'Ü' | 'Ú' => 'u',
        c => c,
    }
}

/// Lower-cases free text and keeps letters and digits separated by single spaces.
pub fn clean_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut space = false;
    for ch in raw.chars() {
        if ch.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(fold_accent(ch).to_lowercase());
        } else if ch == '\'' {
            continue;
        } else {
            space = true;
        }
    }
    out
}

/// Keeps only the digits and letters of an identifier (NHS number, UPRN), upper-cased.
pub fn clean_identifier(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// American Soundex code of the first word with letters, packed as
/// `letter << 24 | three digits`; 0 when there are no ASCII letters.
pub fn soundex(name: &str) -> u32 {
    fn code(c: u8) -> u8 {
        match c {
            b'b' | b'f' | b'p' | b'v' => b'1',
            b'c' | b'g' | b'j' | b'k' | b'q' | b's' | b'x' | b'z' => b'2',
            b'd' | b't' => b'3',
            b'l' => b'4',
            b'm' | b'n' => b'5',
            b'r' => b'6',
            b'h' | b'w' => b'h',
            _ => b'0',
        }
    }
    let letters: Vec<u8> = name
        .bytes()
        .filter(|b| b.is_ascii_alphabetic())
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let Some(&first) = letters.first() else {
        return 0;
    };
    let mut digits = Vec::with_capacity(3);
    let mut last = code(first);
    for &b in &letters[1..] {
        let c = code(b);
        if c == b'h' {
            continue;
        }
        if c != b'0' && c != last {
            digits.push(c);
            if digits.len() == 3 {
                break;
            }
        }
        last = c;
    }
    while digits.len() < 3 {
        digits.push(b'0');
    }
    (u32::from(first) << 24)
        | (u32::from(digits[0]) << 16)
        | (u32::from(digits[1]) << 8)
        | u32::from(digits[2])
}

/// Common street-type and address abbreviations, expanded so that
/// "12 High St." and "12 high street" compare equal.
const ADDRESS_WORDS: &[(&str, &str)] = &[
    ("st", "street"),
    ("rd", "road"),
    ("ave", "avenue"),
    ("av", "avenue"),
    ("ln", "lane"),
    ("dr", "drive"),
    ("cres", "crescent"),
    ("cr", "crescent"),
    ("ct", "court"),
    ("pl", "place"),
    ("sq", "square"),
    ("gdns", "gardens"),
    ("gdn", "garden"),
    ("cl", "close"),
    ("tce", "terrace"),
    ("ter", "terrace"),
    ("pde", "parade"),
    ("hwy", "highway"),
    ("cir", "circuit"),
    ("cct", "circuit"),
    ("mt", "mount"),
    ("grn", "green"),
    ("gr", "grove"),
    ("wy", "way"),
    ("hse", "house"),
    ("apt", "flat"),
    ("apartment", "flat"),
    ("no", ""),
    ("the", ""),
];

/// Normalises an address line: lower case, punctuation removed, standard
/// abbreviations expanded, "flat 3, 12" and "3/12" made alike.
pub fn normalize_address(raw: &str) -> String {
    let replaced = raw.replace('/', " ");
    let cleaned = clean_text(&replaced);
    let mut words = Vec::new();
    for w in cleaned.split(' ').filter(|w| !w.is_empty()) {
        match ADDRESS_WORDS.iter().find(|(short, _)| *short == w) {
            Some((_, "")) => {}
            Some((_, long)) => words.push(*long),
            None => words.push(w),
        }
    }
    words.join(" ")
}

/// The parts of a UK postcode, from finest to coarsest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postcode {
    /// Full unit, canonical form "AB1 2CD".
    pub unit: String,
    /// Sector, "AB1 2".
    pub sector: String,
    /// District (outward code), "AB1".
    pub district: String,
    /// Area letters, "AB".
    pub area: String,
}

/// Parses a UK postcode written with any spacing or case; `None` when it does
/// not have the UK shape (outward code of 2 to 4 characters starting with a
/// letter, inward code digit-letter-letter).
pub fn parse_uk_postcode(raw: &str) -> Option<Postcode> {
    let compact: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let n = compact.len();
    if !(5..=7).contains(&n) {
        return None;
    }
    let (outward, inward) = compact.split_at(n - 3);
    let ib = inward.as_bytes();
    let ob = outward.as_bytes();
    if !ib[0].is_ascii_digit() || !ib[1].is_ascii_alphabetic() || !ib[2].is_ascii_alphabetic() {
        return None;
    }
    if !ob[0].is_ascii_alphabetic() || !ob.iter().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let area: String = outward
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    if area.is_empty() || area.len() > 2 {
        return None;
    }
    Some(Postcode {
        unit: format!("{outward} {inward}"),
        sector: format!("{outward} {}", &inward[..1]),
        district: outward.to_string(),
        area,
    })
}

/// A date split into year, month and day as written (not validated, so that
/// a corrupted "1940-27-04" still compares sensibly with "1940-04-27").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateParts {
    /// Year, four digits.
    pub year: u16,
    /// Month as written, 0..=99.
    pub month: u8,
    /// Day as written, 0..=99.
    pub day: u8,
}

impl DateParts {
    /// Packs the date as the number `yyyymmdd`.
    pub fn packed(self) -> u32 {
        u32::from(self.year) * 10_000 + u32::from(self.month) * 100 + u32::from(self.day)
    }

    /// The date as the eight-character string `yyyymmdd`.
    pub fn digits(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }
}

/// Parses `YYYYMMDD`, `YYYY-MM-DD` (or `/`, `.`) and UK `DD/MM/YYYY`.
pub fn parse_date(raw: &str) -> Option<DateParts> {
    let s = raw.trim();
    let parts: Vec<&str> = s
        .split(['-', '/', '.', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    let num = |p: &str| -> Option<u32> {
        if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            p.parse().ok()
        }
    };
    let (y, m, d) = match parts.as_slice() {
        [one] if one.len() == 8 && one.bytes().all(|b| b.is_ascii_digit()) => {
            (num(&one[..4])?, num(&one[4..6])?, num(&one[6..])?)
        }
        [a, b, c] if a.len() == 4 => (num(a)?, num(b)?, num(c)?),
        [a, b, c] if c.len() == 4 => (num(c)?, num(b)?, num(a)?),
        _ => return None,
    };
    if !(1000..=9999).contains(&y) || m > 99 || d > 99 {
        return None;
    }
    Some(DateParts {
        year: y as u16,
        month: m as u8,
        day: d as u8,
    })
}

/// Normalises a sex or gender code to `m`, `f` or the cleaned text.
pub fn normalize_sex(raw: &str) -> String {
    let t = clean_text(raw);
    match t.as_str() {
        "m" | "male" | "man" | "1" => "m".into(),
        "f" | "female" | "woman" | "2" => "f".into(),
        "" | "u" | "unknown" | "0" | "9" | "not known" => String::new(),
        _ => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soundex_examples() {
        let s = |x: &str| {
            let c = soundex(x);
            format!(
                "{}{}{}{}",
                (c >> 24) as u8 as char,
                (c >> 16 & 0xff) as u8 as char,
                (c >> 8 & 0xff) as u8 as char,
                (c & 0xff) as u8 as char
            )
        };
        assert_eq!(s("robert"), "r163");
        assert_eq!(s("rupert"), "r163");
        assert_eq!(s("ashcraft"), "a261");
        assert_eq!(s("tymczak"), "t522");
        assert_eq!(s("pfister"), "p236");
        assert_eq!(soundex("123"), 0);
    }

    #[test]
    fn postcodes() {
        let p = parse_uk_postcode("sw1a1aa").unwrap();
        assert_eq!(p.unit, "SW1A 1AA");
        assert_eq!(p.sector, "SW1A 1");
        assert_eq!(p.district, "SW1A");
        assert_eq!(p.area, "SW");
        assert!(parse_uk_postcode("4223").is_none());
        assert!(parse_uk_postcode("M1 1AE").is_some());
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("19402704").unwrap().month, 27);
        assert_eq!(parse_date("1980-05-01").unwrap().packed(), 19800501);
        assert_eq!(parse_date("01/05/1980").unwrap().packed(), 19800501);
        assert!(parse_date("yesterday").is_none());
    }

    #[test]
    fn addresses() {
        assert_eq!(normalize_address("12, High St."), "12 high street");
        assert_eq!(
            normalize_address("Flat 3/12 Mill Rd"),
            "flat 3 12 mill road"
        );
        assert_eq!(clean_name("O'Neil-Smith "), "oneil smith");
    }
}
