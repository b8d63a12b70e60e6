//! Shannon entropy, the gate that tells a random secret from a word or a placeholder.
//!
//! gitleaks gates many rules on the entropy of the captured secret (`entropy = 3.5` in its
//! rules): a match is reported only when the entropy is *strictly greater* than the rule's
//! threshold, so `password = "changeme"` is not a finding while a random value is.

/// The Shannon entropy of `data` in bits per byte: `-Σ p·log2(p)` over the byte
/// frequencies. 0 for an empty or a constant string; at most `log2(len)` and 8.
pub fn shannon(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[usize::from(b)] += 1;
    }
    let len = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// Whether `secret` passes a rule's entropy gate: always when the rule has none (`None` or
/// 0), else when its entropy is strictly greater than the threshold.
pub fn passes(secret: &[u8], threshold: Option<f64>) -> bool {
    match threshold {
        Some(t) if t > 0.0 => shannon(secret) > t,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(shannon(b""), 0.0);
        assert_eq!(shannon(b"aaaa"), 0.0);
        assert!((shannon(b"ab") - 1.0).abs() < 1e-12);
        assert!((shannon(b"abcd") - 2.0).abs() < 1e-12);
        // 16 distinct symbols, once each: exactly 4 bits.
        assert!((shannon(b"0123456789abcdef") - 4.0).abs() < 1e-12);
        // All 256 byte values: the maximum, 8 bits.
        let all: Vec<u8> = (0..=255).collect();
        assert!((shannon(&all) - 8.0).abs() < 1e-12);
    }

    #[test]
    fn gate_is_strictly_greater() {
        // "abcd" has exactly 2 bits: not above a threshold of 2.
        assert!(!passes(b"abcd", Some(2.0)));
        assert!(passes(b"abcd", Some(1.99)));
        assert!(passes(b"aaaa", None));
        assert!(passes(b"aaaa", Some(0.0)));
        assert!(!passes(b"changeme", Some(3.5)));
        assert!(passes(b"q8Zr2LwX0vN4tYpK", Some(3.5)));
    }
}
