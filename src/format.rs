//! How numbers are written for readers, shared by tables, charts and the HTML report.

/// `1 replication`, `200 replications`.
pub(crate) fn replications(n: u32) -> String {
    if n == 1 {
        "1 replication".to_owned()
    } else {
        format!("{n} replications")
    }
}

/// A number rounded to a whole one and written with a comma between groups of three digits:
/// `1234567.4` → `1,234,567`, `-1000` → `-1,000`; `–` when it is not finite.
pub(crate) fn thousands(value: f64) -> String {
    if !value.is_finite() {
        return "–".to_owned();
    }
    let rounded = value.round();
    let digits = format!("{}", rounded.abs() as u64);
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if rounded < 0.0 { format!("-{grouped}") } else { grouped }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_with_commas() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(28_123.4), "28,123");
        assert_eq!(thousands(1_234_567.4), "1,234,567");
        assert_eq!(thousands(999_999.5), "1,000,000");
    }

    #[test]
    fn negative_numbers_keep_their_sign_in_front() {
        assert_eq!(thousands(-1000.0), "-1,000");
        assert_eq!(thousands(-12.0), "-12");
        assert_eq!(thousands(-0.4), "0");
    }

    #[test]
    fn numbers_that_are_not_finite_are_a_dash() {
        assert_eq!(thousands(f64::NAN), "–");
        assert_eq!(thousands(f64::INFINITY), "–");
        assert_eq!(thousands(f64::NEG_INFINITY), "–");
    }
}
