//! Word lists for the synthetic data generator (common UK names and places,
//! roughly by frequency; later entries are rarer).

/// Common UK surnames, most frequent first.
pub const SURNAMES: &[&str] = &[
    "smith", "jones", "williams", "taylor", "brown", "davies", "evans", "wilson", "thomas", "johnson",
    "roberts", "robinson", "thompson", "wright", "walker", "white", "edwards", "hughes", "green", "hall",
    "lewis", "harris", "clarke", "patel", "jackson", "wood", "turner", "martin", "cooper", "hill",
    "ward", "morris", "moore", "clark", "lee", "king", "baker", "harrison", "morgan", "allen",
    "james", "scott", "phillips", "watson", "davis", "parker", "price", "bennett", "young", "griffiths",
    "mitchell", "kelly", "cook", "carter", "richardson", "bailey", "collins", "bell", "shaw", "murphy",
    "miller", "cox", "richards", "khan", "marshall", "anderson", "simpson", "ellis", "adams", "singh",
    "begum", "wilkinson", "foster", "chapman", "powell", "webb", "rogers", "gray", "mason", "ali",
    "hunt", "hussain", "campbell", "matthews", "owen", "palmer", "holmes", "mills", "barnes", "knight",
    "lloyd", "butler", "russell", "barker", "fisher", "stevens", "jenkins", "murray", "dixon", "harvey",
    "graham", "pearson", "ahmed", "fletcher", "walsh", "kaur", "gibson", "howard", "andrews", "stewart",
    "elliott", "reynolds", "saunders", "payne", "fox", "ford", "pearce", "day", "brooks", "west",
    "lawrence", "cole", "atkinson", "bradley", "spencer", "gill", "dawson", "ball", "burton", "o'brien",
    "watts", "rose", "booth", "perry", "ryan", "grant", "wells", "armstrong", "francis", "rees",
    "hayes", "hart", "hudson", "newman", "barrett", "webster", "hunter", "gregory", "carr", "lowe",
    "page", "marsh", "riley", "dunn", "woods", "parsons", "berry", "stone", "reid", "holland",
    "hawkins", "harding", "porter", "robertson", "newton", "oliver", "reed", "kennedy", "williamson", "bird",
    "gardner", "shah", "dean", "lane", "cooke", "bates", "henderson", "parry", "burgess", "bishop",
    "walton", "burns", "nicholson", "shepherd", "ross", "cross", "long", "freeman", "warren", "nicholls",
    "hamilton", "byrne", "sutton", "mcdonald", "yates", "hodgson", "robson", "curtis", "hopkins", "o'connor",
];

/// Common female given names in England, most frequent first.
pub const FEMALE: &[&str] = &[
    "margaret", "susan", "sarah", "elizabeth", "patricia", "mary", "jennifer", "linda", "karen", "helen",
    "julie", "jacqueline", "emma", "claire", "lisa", "joanne", "nicola", "rachel", "amanda", "michelle",
    "victoria", "rebecca", "laura", "samantha", "louise", "catherine", "deborah", "christine", "janet", "jean",
    "barbara", "dorothy", "joan", "pauline", "sandra", "gillian", "alison", "wendy", "angela", "tracey",
    "hannah", "charlotte", "sophie", "jessica", "lucy", "amy", "olivia", "emily", "chloe", "ellie",
    "grace", "isabel", "amelia", "ava", "mia", "lily", "evie", "ruby", "poppy", "isla",
    "freya", "sophia", "daisy", "phoebe", "matilda", "eleanor", "florence", "alice", "zara", "aisha",
    "fatima", "priya", "sian", "bethan", "megan", "kirsty", "natalie", "stephanie", "kathleen", "irene",
    "doris", "edith", "ethel", "valerie", "sheila", "brenda", "maureen", "eileen", "rita", "beryl",
    "frances", "abigail", "caroline", "penelope", "rosemary", "judith", "theresa", "josephine", "sylvia", "madeleine",
];

/// Common male given names in England, most frequent first.
pub const MALE: &[&str] = &[
    "david", "john", "michael", "paul", "andrew", "peter", "james", "robert", "mark", "richard",
    "stephen", "christopher", "ian", "william", "thomas", "daniel", "matthew", "simon", "anthony", "gary",
    "kevin", "martin", "alan", "brian", "neil", "jason", "lee", "darren", "stuart", "graham",
    "philip", "colin", "keith", "kenneth", "george", "edward", "joseph", "samuel", "benjamin", "jack",
    "harry", "oliver", "charlie", "jacob", "alfie", "noah", "oscar", "leo", "archie", "henry",
    "joshua", "freddie", "theo", "arthur", "logan", "isaac", "ethan", "muhammad", "mohammed", "ali",
    "ryan", "adam", "luke", "nathan", "liam", "connor", "callum", "jordan", "dylan", "kieran",
    "raymond", "ronald", "donald", "terence", "frederick", "albert", "alfred", "walter", "leonard", "harold",
    "geoffrey", "gerald", "roger", "dennis", "derek", "trevor", "nigel", "barry", "malcolm", "gordon",
    "patrick", "francis", "timothy", "nicholas", "alexander", "jonathan", "gregory", "lawrence", "vincent", "dominic",
];

/// Syllables for building rarer surnames, giving the long tail real data has.
pub const SYLLABLES: &[&str] = &[
    "ash", "ber", "by", "cal", "dar", "den", "ell", "fen", "ford", "gar", "ham", "hurst", "ing", "ker",
    "ley", "lock", "mar", "mere", "ney", "nor", "ock", "pen", "ridge", "ros", "sel", "ston", "tham",
    "ton", "vel", "wick", "win", "worth", "yar", "bro", "cart", "dale", "fair", "grove", "hol", "kin",
    "lan", "mor", "ow", "rad", "sho", "tre", "wal", "brook", "cliffe", "field",
];

/// Words for street names.
pub const STREET_WORDS: &[&str] = &[
    "high", "church", "station", "victoria", "park", "green", "manor", "kings", "queens", "mill",
    "oak", "elm", "ash", "willow", "beech", "chestnut", "cedar", "birch", "holly", "rose",
    "york", "albert", "grange", "school", "springfield", "westfield", "north", "south", "new", "chapel",
    "windsor", "clarence", "alexandra", "cromwell", "nelson", "stanley", "denmark", "cambridge", "hawthorn", "meadow",
];

/// Street types.
pub const STREET_TYPES: &[&str] = &[
    "street", "road", "lane", "avenue", "close", "drive", "way", "crescent", "grove", "place", "terrace", "gardens",
];

/// Postcode areas with a town in each.
pub const AREAS: &[(&str, &str)] = &[
    ("LS", "leeds"), ("M", "manchester"), ("B", "birmingham"), ("S", "sheffield"), ("L", "liverpool"),
    ("NE", "newcastle"), ("BD", "bradford"), ("HU", "hull"), ("DN", "doncaster"), ("WF", "wakefield"),
    ("HD", "huddersfield"), ("HX", "halifax"), ("YO", "york"), ("SK", "stockport"), ("OL", "oldham"),
    ("BL", "bolton"), ("WN", "wigan"), ("PR", "preston"), ("BB", "blackburn"), ("LA", "lancaster"),
    ("CA", "carlisle"), ("DL", "darlington"), ("TS", "middlesbrough"), ("SR", "sunderland"), ("DH", "durham"),
    ("NG", "nottingham"), ("DE", "derby"), ("LE", "leicester"), ("CV", "coventry"), ("WV", "wolverhampton"),
    ("ST", "stoke"), ("CH", "chester"), ("WA", "warrington"), ("GL", "gloucester"), ("BS", "bristol"),
    ("BA", "bath"), ("EX", "exeter"), ("PL", "plymouth"), ("SN", "swindon"), ("OX", "oxford"),
    ("RG", "reading"), ("PO", "portsmouth"), ("SO", "southampton"), ("BH", "bournemouth"), ("ME", "rochester"),
    ("CT", "canterbury"), ("BN", "brighton"), ("CB", "cambridge"), ("IP", "ipswich"), ("NR", "norwich"),
    ("PE", "peterborough"), ("LN", "lincoln"), ("CO", "colchester"), ("CM", "chelmsford"), ("LU", "luton"),
    ("MK", "milton keynes"), ("NN", "northampton"), ("E", "london"), ("N", "london"), ("SE", "london"),
];
