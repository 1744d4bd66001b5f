//! Quantiles of the normal, gamma and Student's t distributions, as R's `qnorm`, `qchisq` and `qt` give them.
//!
//! statrs supplies the special functions; these wrappers keep the call sites in the users' terms.

use statrs::distribution::{ContinuousCDF, Gamma, Normal, StudentsT};

/// The `p` quantile of the standard normal distribution (R's `qnorm(p)`).
pub(crate) fn normal_quantile(p: f64) -> f64 {
    // Normal::new(0, 1) cannot fail: the parameters are constants.
    Normal::new(0.0, 1.0)
        .map(|n| n.inverse_cdf(p))
        .unwrap_or(f64::NAN)
}

/// The `p` quantile of a gamma distribution with this shape and scale 1.
///
/// `qchisq(p, 2k) / 2` in R is this with shape `k`, which is how the exact Poisson limits are written.
pub(crate) fn gamma_quantile(shape: f64, p: f64) -> f64 {
    if shape <= 0.0 {
        // A gamma with shape 0 is a point mass at 0 (R: qchisq(p, 0) = 0).
        return 0.0;
    }
    Gamma::new(shape, 1.0)
        .map(|g| g.inverse_cdf(p))
        .unwrap_or(f64::NAN)
}

/// The `p` quantile of Student's t distribution with `df` degrees of freedom (R's `qt(p, df)`).
pub(crate) fn student_t_quantile(df: f64, p: f64) -> f64 {
    StudentsT::new(0.0, 1.0, df)
        .map(|t| t.inverse_cdf(p))
        .unwrap_or(f64::NAN)
}
