//! Every parser meets arbitrary input: it answers with a value or an error, never a panic, and
//! whatever it accepts prints back to text that parses to the same value.

use goldthread_domain::{FinancialYear, GssCode, Money, NhsNumber, OdsCode, Postcode};
use proptest::prelude::*;

macro_rules! round_trips {
    ($name:ident, $ty:ty, $strategy:expr) => {
        proptest! {
            #[test]
            fn $name(input in $strategy) {
                if let Ok(v) = <$ty>::parse(&input) {
                    let again = <$ty>::parse(&v.to_string()).expect("printed form parses");
                    prop_assert_eq!(again, v);
                }
            }
        }
    };
}

// Arbitrary Unicode, and strings shaped like the identifiers so that valid values are common.
round_trips!(nhs_numbers_any_text, NhsNumber, any::<String>());
round_trips!(nhs_numbers_digit_strings, NhsNumber, "[0-9 -]{8,14}");
round_trips!(ods_codes_any_text, OdsCode, any::<String>());
round_trips!(ods_codes_shaped, OdsCode, "[A-Za-z0-9]{2,11}");
round_trips!(gss_codes_any_text, GssCode, any::<String>());
round_trips!(gss_codes_shaped, GssCode, "[EWSNe][0-9]{7,9}");
round_trips!(postcodes_any_text, Postcode, any::<String>());
round_trips!(
    postcodes_shaped,
    Postcode,
    "[A-Za-z]{1,2}[0-9][0-9A-Za-z]? ?[0-9][A-Za-z]{2}"
);
round_trips!(money_any_text, Money, any::<String>());
round_trips!(money_shaped, Money, "-?£?[0-9,]{0,22}(\\.[0-9]{0,3})?");
round_trips!(financial_years_any_text, FinancialYear, any::<String>());
round_trips!(
    financial_years_shaped,
    FinancialYear,
    "[0-9]{4}[/-][0-9]{2,4}"
);

proptest! {
    #[test]
    fn money_survives_every_whole_number_of_pence(pence in any::<i64>()) {
        let m = Money::from_pence(pence);
        prop_assert_eq!(Money::parse(&m.to_string()).unwrap(), m);
    }
}
