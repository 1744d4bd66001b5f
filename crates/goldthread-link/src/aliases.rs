//! Nickname and alias tables (Bill = William, Peggy = Margaret).
use rustc_hash::FxHashMap;

/// Built-in English given-name alias groups; the first name is the formal one.
pub const BUILT_IN: &[&[&str]] = &[
    &["william", "bill", "billy", "will", "willy", "liam", "wills"],
    &[
        "margaret", "peggy", "maggie", "meg", "marge", "margie", "greta", "rita", "madge", "maisie",
    ],
    &["robert", "bob", "bobby", "rob", "robbie", "bert", "bertie"],
    &["richard", "dick", "rick", "ricky", "rich", "richie"],
    &[
        "elizabeth",
        "liz",
        "lizzie",
        "beth",
        "betty",
        "bess",
        "bessie",
        "eliza",
        "libby",
        "lisa",
        "elisabeth",
        "betsy",
    ],
    &[
        "katherine",
        "kate",
        "kathy",
        "katie",
        "kath",
        "kay",
        "catherine",
        "kathryn",
        "cathy",
        "kit",
        "kitty",
        "cath",
    ],
    &["james", "jim", "jimmy", "jamie", "jem"],
    &["john", "jack", "johnny", "jon", "jonny"],
    &["jonathan", "jon", "jonny", "nathan"],
    &["thomas", "tom", "tommy", "thom"],
    &["michael", "mike", "mick", "mickey", "micky", "mikey"],
    &["edward", "ed", "eddie", "ted", "teddy", "ned", "eddy"],
    &["alexander", "alex", "alec", "sandy", "xander", "al"],
    &["alexandra", "alex", "alexa", "sandra", "lexi", "sasha"],
    &["anthony", "tony", "ant", "antony"],
    &["christopher", "chris", "kit", "topher"],
    &[
        "christine",
        "chris",
        "chrissie",
        "tina",
        "christina",
        "kirsty",
        "kirsten",
    ],
    &["daniel", "dan", "danny"],
    &["david", "dave", "davey", "davy"],
    &["joseph", "joe", "joey", "jo"],
    &["josephine", "jo", "josie", "jo-jo"],
    &["patricia", "pat", "patty", "trish", "tricia", "patsy"],
    &["patrick", "pat", "paddy"],
    &["peter", "pete"],
    &["stephen", "steve", "steven", "stevie"],
    &["susan", "sue", "susie", "suzy", "suzanne", "susanna"],
    &["victoria", "vicky", "vicki", "tori", "vic"],
    &["rebecca", "becky", "becca", "bex"],
    &["deborah", "debbie", "deb", "debra", "debby"],
    &["jennifer", "jenny", "jen", "jenna"],
    &["samuel", "sam", "sammy"],
    &["samantha", "sam", "sammie", "sammy"],
    &["benjamin", "ben", "benny", "benji"],
    &["nicholas", "nick", "nicky", "nico"],
    &["nicola", "nicky", "nikki", "nic"],
    &["matthew", "matt", "matty"],
    &["andrew", "andy", "drew"],
    &["charles", "charlie", "chas", "chuck", "chaz"],
    &["charlotte", "lottie", "charlie", "lotte"],
    &["frederick", "fred", "freddie", "freddy"],
    &["henry", "harry", "hal", "hank"],
    &["harold", "harry", "hal"],
    &["francis", "frank", "frankie", "fran"],
    &["frances", "fran", "frankie", "fanny"],
    &["gerald", "gerry", "jerry", "ged"],
    &["geoffrey", "geoff", "jeff", "jeffrey"],
    &["kenneth", "ken", "kenny"],
    &["lawrence", "larry", "laurie", "laurence"],
    &["leonard", "len", "lenny", "leo"],
    &["philip", "phil", "pip", "phillip"],
    &["raymond", "ray"],
    &["ronald", "ron", "ronnie"],
    &["donald", "don", "donnie"],
    &["timothy", "tim", "timmy"],
    &["terence", "terry", "tel"],
    &["walter", "walt", "wally"],
    &["albert", "al", "bert", "bertie", "alb"],
    &["alfred", "alf", "alfie", "fred"],
    &["arthur", "art", "artie"],
    &["barbara", "barb", "babs", "barbie"],
    &["dorothy", "dot", "dottie", "dolly", "dora"],
    &[
        "eleanor", "ellie", "nell", "nellie", "elle", "nora", "elinor",
    ],
    &["helen", "nell", "nellie", "ellen"],
    &[
        "isabel", "izzy", "bella", "isobel", "isabella", "belle", "ibby",
    ],
    &["jacqueline", "jackie", "jacqui"],
    &["judith", "judy", "jude"],
    &["mary", "molly", "polly", "mae", "mamie", "maria", "marie"],
    &["sarah", "sally", "sadie", "sara"],
    &["theresa", "terry", "tess", "tessa", "teresa", "tracy"],
    &["valerie", "val"],
    &["gwendolyn", "gwen", "wendy"],
    &["abigail", "abby", "abbie", "gail"],
    &["amanda", "mandy", "manda"],
    &["caroline", "carol", "carrie", "caz", "carolyn"],
    &["daniella", "dani", "danielle"],
    &["dominic", "dom"],
    &["edmund", "ed", "eddie", "ned"],
    &["ernest", "ernie"],
    &["eugene", "gene"],
    &["gregory", "greg"],
    &["jessica", "jess", "jessie"],
    &["louise", "lou", "lulu", "louisa"],
    &["madeleine", "maddie", "madeline", "maddy"],
    &["natalie", "nat", "tally"],
    &["oliver", "ollie", "olly"],
    &["olivia", "liv", "livvy", "ollie"],
    &["penelope", "penny", "pen"],
    &["rosemary", "rose", "rosie"],
    &["ruth", "ruthie"],
    &["sebastian", "seb", "bastian"],
    &["stanley", "stan"],
    &["sylvia", "syl"],
    &["vincent", "vince", "vinny"],
    &["zachary", "zach", "zack"],
    &["wilfred", "wilf", "fred"],
];

/// Looks up the alias group of a cleaned given name.
#[derive(Debug, Clone, Default)]
pub struct AliasTable {
    groups: FxHashMap<String, Vec<u32>>,
    next: u32,
}

impl AliasTable {
    /// The built-in English table.
    pub fn built_in() -> Self {
        let mut t = AliasTable::default();
        for group in BUILT_IN {
            t.add_group(group.iter().copied());
        }
        t
    }

    /// Adds a group of names that are the same person's name.
    pub fn add_group<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        let id = self.next;
        self.next += 1;
        for n in names {
            let key = crate::normalize::clean_name(n);
            if !key.is_empty() {
                self.groups.entry(key).or_default().push(id);
            }
        }
    }

    /// The alias group ids a name belongs to (empty when none).
    pub fn groups_of(&self, name: &str) -> &[u32] {
        self.groups.get(name).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// True when the two cleaned names share an alias group.
    pub fn are_aliases(&self, a: &str, b: &str) -> bool {
        let ga = self.groups_of(a);
        let gb = self.groups_of(b);
        ga.iter().any(|g| gb.contains(g))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bill_is_william() {
        let t = AliasTable::built_in();
        assert!(t.are_aliases("bill", "william"));
        assert!(t.are_aliases("peggy", "margaret"));
        assert!(!t.are_aliases("bill", "margaret"));
    }
}
