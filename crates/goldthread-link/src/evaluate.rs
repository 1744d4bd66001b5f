//! Precision, recall and F1 of predicted pairs against true pairs.
use rustc_hash::FxHashSet;

/// Quality of a set of predicted pairs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quality {
    /// Predicted pairs that are true.
    pub true_positives: u64,
    /// Predicted pairs.
    pub predicted: u64,
    /// True pairs.
    pub actual: u64,
}

impl Quality {
    /// Share of predicted pairs that are true.
    pub fn precision(&self) -> f64 {
        ratio(self.true_positives, self.predicted)
    }

    /// Share of true pairs that were predicted.
    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.actual)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Compares predicted pairs with true pairs. With `unordered` (deduplication)
/// (a, b) and (b, a) are the same pair. Duplicate pairs count once.
pub fn evaluate<S: AsRef<str>>(predicted: &[(S, S)], truth: &[(S, S)], unordered: bool) -> Quality {
    let key = |a: &S, b: &S| -> (String, String) {
        let (a, b) = (a.as_ref().to_string(), b.as_ref().to_string());
        if unordered && b < a {
            (b, a)
        } else {
            (a, b)
        }
    };
    let truth: FxHashSet<(String, String)> = truth.iter().map(|(a, b)| key(a, b)).collect();
    let predicted: FxHashSet<(String, String)> = predicted.iter().map(|(a, b)| key(a, b)).collect();
    let tp = predicted.iter().filter(|p| truth.contains(*p)).count() as u64;
    Quality {
        true_positives: tp,
        predicted: predicted.len() as u64,
        actual: truth.len() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        let pred = [("a", "1"), ("b", "2"), ("c", "9")];
        let truth = [("a", "1"), ("b", "2"), ("d", "4"), ("e", "5")];
        let q = evaluate(&pred, &truth, false);
        assert_eq!(q.true_positives, 2);
        assert!((q.precision() - 2.0 / 3.0).abs() < 1e-12);
        assert!((q.recall() - 0.5).abs() < 1e-12);
        let q = evaluate(&[("1", "a")], &[("a", "1")], true);
        assert_eq!(q.true_positives, 1);
    }
}
