//! The `.vaultfile.yaml` rule is the truth about who can open a file and which of its
//! values are encrypted; this module compares a file with its rule.
//!
//! A file's recipients and selection rules are written in its metadata, readable without a
//! key, and anyone who can push can commit a file whose metadata says something else than
//! the rule: a recipient of their own added next to the others (they need only the
//! others' public keys), or rules that leave values in plaintext. So every write makes the
//! file match its rule (the engine's re-keying does the work), and every check compares
//! the two ([`compare`]) and names what differs.

use crate::keys::KeyHolders;
use crate::metadata::Metadata;
use crate::path::RuleSpec;

/// How a file's key holders and selection rules differ from its rule's. Empty when they
/// match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Drift {
    /// Recipients of the file that the rule does not name (in that key group, for key
    /// groups).
    pub unexpected: Vec<String>,
    /// Recipients the rule names that the file lacks.
    pub missing: Vec<String>,
    /// Set when the shape differs (any one recipient against key groups, the number of
    /// groups or the threshold): the file's and the rule's, described.
    pub shape: Option<(String, String)>,
    /// Set when the selection rules differ: the file's and the rule's.
    pub rules: Option<(RuleSpec, RuleSpec)>,
}

impl Drift {
    /// Whether the file matches its rule.
    pub fn is_empty(&self) -> bool {
        *self == Drift::default()
    }

    /// Whether someone the rule does not name can open the file, or the file's rules
    /// encrypt other values: what a check must fail on. (A missing recipient only locks
    /// someone out until the next write.)
    pub fn widens_access(&self) -> bool {
        !self.unexpected.is_empty() || self.shape.is_some() || self.rules.is_some()
    }

    /// One line per difference, for messages.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for r in &self.unexpected {
            out.push(format!("recipient {r} is not in its rule"));
        }
        for r in &self.missing {
            out.push(format!("recipient {r} of its rule is missing"));
        }
        if let Some((file, rule)) = &self.shape {
            out.push(format!("it needs {file}; its rule says {rule}"));
        }
        if let Some((file, rule)) = &self.rules {
            out.push(format!(
                "its selection rules ({}) are not its rule's ({})",
                describe_rules(file),
                describe_rules(rule)
            ));
        }
        out
    }
}

fn describe_rules(r: &RuleSpec) -> String {
    if r.is_empty() {
        return "every value encrypted".into();
    }
    serde_json::to_string(r).expect("rules serialise")
}

fn describe_shape(grouped: bool, groups: usize, threshold: usize) -> String {
    if grouped {
        format!("{threshold} of {groups} key groups")
    } else {
        "any one recipient".into()
    }
}

/// Compares a file's metadata with its rule's key holders and selection rules.
pub fn compare(meta: &Metadata, holders: &KeyHolders, rules: &RuleSpec) -> Drift {
    let (old, old_t) = meta.groups();
    let (new, new_t) = holders.ids();
    let old_grouped = meta.has_key_groups();
    let new_grouped = matches!(holders, KeyHolders::Groups { .. });
    let mut drift = Drift::default();
    if old_grouped != new_grouped || old.len() != new.len() || old_t != new_t {
        drift.shape = Some((
            describe_shape(old_grouped, old.len(), old_t),
            describe_shape(new_grouped, new.len(), new_t),
        ));
        let all_old: Vec<&str> = old.iter().flatten().copied().collect();
        let all_new: Vec<&str> = new.iter().flatten().copied().collect();
        drift.unexpected = all_old
            .iter()
            .filter(|r| !all_new.contains(r))
            .map(|r| (*r).to_owned())
            .collect();
        drift.missing = all_new
            .iter()
            .filter(|r| !all_old.contains(r))
            .map(|r| (*r).to_owned())
            .collect();
    } else {
        // Same shape: group by group, as the key's shares are.
        for (o, n) in old.iter().zip(&new) {
            drift
                .unexpected
                .extend(o.iter().filter(|r| !n.contains(r)).map(|r| (*r).to_owned()));
            drift
                .missing
                .extend(n.iter().filter(|r| !o.contains(r)).map(|r| (*r).to_owned()));
        }
    }
    drift.unexpected.dedup();
    drift.missing.dedup();
    if meta.rules != *rules {
        drift.rules = Some((meta.rules.clone(), rules.clone()));
    }
    drift
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys;
    use crate::metadata::{KeyGroup, WrappedKey};

    fn meta(recipients: &[&str]) -> Metadata {
        Metadata {
            version: crate::metadata::VERSION,
            created: "2026-12-01T00:00:00Z".into(),
            whole: false,
            rules: RuleSpec::default(),
            recipients: recipients
                .iter()
                .map(|r| WrappedKey {
                    recipient: (*r).into(),
                    key: "x".into(),
                })
                .collect(),
            key_groups: Vec::new(),
            threshold: None,
            mac: String::new(),
        }
    }

    fn holders(ids: &[&str]) -> KeyHolders {
        keys::testkit::flat(ids)
    }

    fn age() -> [String; 3] {
        std::array::from_fn(|_| ::age::x25519::Identity::generate().to_public().to_string())
    }

    #[test]
    fn same_recipients_in_another_order_match() {
        let [a, b, _] = age();
        let d = compare(&meta(&[&a, &b]), &holders(&[&b, &a]), &RuleSpec::default());
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn an_extra_recipient_widens_access_and_a_missing_one_does_not() {
        let [a, b, c] = age();
        let d = compare(&meta(&[&a, &c]), &holders(&[&a, &b]), &RuleSpec::default());
        assert_eq!(d.unexpected, vec![c.clone()]);
        assert_eq!(d.missing, vec![b.clone()]);
        assert!(d.widens_access());
        let d = compare(&meta(&[&a]), &holders(&[&a, &b]), &RuleSpec::default());
        assert!(!d.widens_access() && !d.is_empty());
        assert_eq!(
            d.lines(),
            vec![format!("recipient {b} of its rule is missing")]
        );
    }

    #[test]
    fn other_rules_or_shape_are_drift() {
        let [a, b, _] = age();
        let loose = RuleSpec {
            unencrypted_regex: Some("^password$".into()),
            ..RuleSpec::default()
        };
        let mut m = meta(&[&a]);
        m.rules = loose;
        let d = compare(&m, &holders(&[&a]), &RuleSpec::default());
        assert!(d.rules.is_some() && d.widens_access());
        assert!(
            d.lines()[0].contains("every value encrypted"),
            "{:?}",
            d.lines()
        );

        let grouped = Metadata {
            recipients: Vec::new(),
            key_groups: vec![
                KeyGroup {
                    recipients: meta(&[&a]).recipients,
                },
                KeyGroup {
                    recipients: meta(&[&b]).recipients,
                },
            ],
            threshold: Some(1),
            ..meta(&[])
        };
        let d = compare(&grouped, &holders(&[&a, &b]), &RuleSpec::default());
        assert_eq!(
            d.shape,
            Some(("1 of 2 key groups".into(), "any one recipient".into()))
        );
    }

    fn grouped(groups: &[&[&str]], threshold: usize) -> (Metadata, KeyHolders) {
        let m = Metadata {
            recipients: Vec::new(),
            key_groups: groups
                .iter()
                .map(|g| KeyGroup {
                    recipients: meta(g).recipients,
                })
                .collect(),
            threshold: Some(u32::try_from(threshold).unwrap()),
            ..meta(&[])
        };
        let h = keys::testkit::grouped(groups, threshold);
        (m, h)
    }

    /// Each part of the shape counts on its own (the threshold, the number of groups), and
    /// across a change of shape the recipients that differ are still named.
    #[test]
    fn a_threshold_or_a_group_count_alone_is_drift_and_who_differs_is_named() {
        let [a, b, c] = age();
        let none = RuleSpec::default();
        let (two_groups_1, _) = grouped(&[&[&a], &[&b]], 1);
        let (_, two_groups_2) = grouped(&[&[&a], &[&b]], 2);
        let d = compare(&two_groups_1, &two_groups_2, &none);
        assert_eq!(
            d.shape,
            Some(("1 of 2 key groups".into(), "2 of 2 key groups".into()))
        );
        assert!(d.unexpected.is_empty() && d.missing.is_empty(), "{d:?}");

        let (_, three_groups_1) = grouped(&[&[&a], &[&b], &[&c]], 1);
        let d = compare(&two_groups_1, &three_groups_1, &none);
        assert_eq!(
            d.shape,
            Some(("1 of 2 key groups".into(), "1 of 3 key groups".into()))
        );
        assert_eq!(d.missing, vec![c.clone()]);
        assert!(d.unexpected.is_empty());

        let (_, a_and_c) = grouped(&[&[&a], &[&c]], 2);
        let d = compare(&meta(&[&a, &b]), &a_and_c, &none);
        assert_eq!(d.unexpected, vec![b.clone()]);
        assert_eq!(d.missing, vec![c.clone()]);
        assert!(d.widens_access());
    }
}
