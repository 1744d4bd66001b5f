//! Illustrative budget lines (not real figures) for the partners of the demo ICS, tagged by
//! the kind of spend, with contributions to the Better Care Fund.

use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::outcomes::budget::{BudgetLine, SpendCategory};
use goldthread_domain::{FinancialYear, GssCode, Money};
use goldthread_store::{Store, StoreError};

use SpendCategory::{
    PrimaryPrevention as P1, SecondaryPrevention as P2, TertiaryPrevention as P3, Treatment as T,
};

/// The Better Care Fund's name, as pooled-fund lines carry it.
pub const BCF: &str = "Better Care Fund";

/// (organisation code, service, category, pooled?, £ thousands in 2022/23, 2023/24, 2024/25).
const LINES: [(&str, &str, SpendCategory, bool, [i64; 3]); 16] = [
    (
        "QMM",
        "Acute hospital services",
        T,
        false,
        [1_392_000, 1_441_000, 1_493_000],
    ),
    (
        "QMM",
        "Community health services",
        P3,
        false,
        [196_000, 204_000, 211_000],
    ),
    (
        "QMM",
        "Diabetes prevention and screening",
        P2,
        false,
        [5_400, 5_900, 6_600],
    ),
    (
        "QMM",
        "Tobacco dependence treatment in hospital",
        P1,
        false,
        [900, 1_300, 1_700],
    ),
    (
        "QMM",
        "NHS minimum contribution",
        P3,
        true,
        [86_000, 90_900, 96_000],
    ),
    (
        "E10000020",
        "Stop-smoking service",
        P1,
        false,
        [2_500, 2_650, 2_950],
    ),
    (
        "E10000020",
        "NHS Health Checks",
        P2,
        false,
        [1_450, 1_550, 1_650],
    ),
    (
        "E10000020",
        "Healthy weight and physical activity",
        P1,
        false,
        [1_050, 1_150, 1_300],
    ),
    (
        "E10000020",
        "Adult social care",
        T,
        false,
        [455_000, 478_000, 497_000],
    ),
    (
        "E10000020",
        "Reablement and intermediate care",
        P3,
        true,
        [14_300, 13_600, 12_400],
    ),
    (
        "E10000029",
        "Adult social care (Waveney)",
        T,
        false,
        [61_000, 64_000, 66_500],
    ),
    (
        "E10000029",
        "Warm homes and energy advice",
        P1,
        false,
        [420, 450, 520],
    ),
    (
        "E07000145",
        "Disabled Facilities Grant",
        P3,
        true,
        [1_900, 2_000, 2_150],
    ),
    (
        "E07000145",
        "Beach and parks activity programme",
        P1,
        false,
        [180, 210, 260],
    ),
    (
        "E07000148",
        "Private rented housing standards",
        P1,
        false,
        [540, 560, 610],
    ),
    (
        "E07000244",
        "Disabled Facilities Grant",
        P3,
        true,
        [2_300, 2_350, 2_500],
    ),
];

/// Every line for the three years.
pub fn lines() -> Vec<BudgetLine> {
    let mut out = Vec::new();
    for (org, service, category, pooled, amounts) in LINES {
        for (i, thousands) in amounts.iter().enumerate() {
            out.push(BudgetLine {
                organisation: OrganisationId::for_code(org),
                pooled_fund: pooled.then(|| BCF.to_owned()),
                year: FinancialYear::starting(2022 + i as u16),
                service: service.to_owned(),
                category,
                amount: Money::from_pounds(thousands * 1000),
            });
        }
    }
    out
}

/// Stores the budget lines.
pub async fn install(store: &Store, icb: &GssCode) -> Result<(), StoreError> {
    store.replace_budget_lines(icb, &lines()).await
}
