//! The merge driver's work: decrypt the three versions, merge the plaintexts line by line,
//! re-encrypt against ours.
//!
//! Without it git merges ciphertext: a conflict puts markers inside tokens, and the MAC
//! line conflicts on every parallel edit. The merge itself is the
//! classic line-based three-way merge (diffy, in memory: no plaintext temporary files, as
//! `git merge-file` would need), so the result is what git gives for unencrypted files.
//! Recipients merge as sets: one added or removed on either side is added or removed in
//! the result.

use std::time::SystemTime;

use crate::engine::{self, DecryptError, EncryptError, EncryptOptions, Opened};
use crate::format::{self, Format};
use crate::keys::{self, Identity, Recipient};

use super::convert::{self, Content};

/// How conflicts are marked: the labels git passes (`%S %X %Y`, or ours/base/theirs) and
/// the markers' length (`%L`).
pub struct Labels<'a> {
    /// Our side's name (`HEAD`).
    pub ours: &'a str,
    /// The ancestor's name.
    pub base: &'a str,
    /// Their side's name (the branch merged in).
    pub theirs: &'a str,
    /// How many characters a conflict marker has (git's `conflict-marker-size`).
    pub marker_size: usize,
}

/// The outcome of a merge.
pub enum Merged {
    /// No conflict: the result, re-encrypted (or plaintext if no side was encrypted).
    Clean(Vec<u8>),
    /// Conflicts: the merged plaintext with conflict markers, encrypted whole with our
    /// version's key (plaintext only when no side was encrypted). git stores what the
    /// driver returns as a blob before it writes the work tree, so plaintext here would
    /// stay in `.git/objects`; the smudge filter shows it decrypted in the work tree.
    Conflicts(Vec<u8>),
}

/// Why the driver cannot merge.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// One side is encrypted and no identity at hand opens it.
    #[error("cannot decrypt {side}: {error}")]
    Locked {
        /// ours, theirs or base.
        side: &'static str,
        /// Why.
        error: DecryptError,
    },
    /// A side fails its integrity check.
    #[error("{side} fails its integrity check: {error}")]
    Tampered {
        /// ours, theirs or base.
        side: &'static str,
        /// What was found.
        error: DecryptError,
    },
    /// A recipient recorded in a side's metadata cannot be parsed.
    #[error("recipient {0}: {1}")]
    Recipient(String, keys::RecipientError),
    /// Re-encrypting the merged result failed.
    #[error("cannot encrypt the merged result: {0}")]
    Encrypt(EncryptError),
}

struct Side {
    plain: Vec<u8>,
    opened: Option<Opened>,
}

fn open_side(
    side: &'static str,
    path: &str,
    content: &[u8],
    ids: &[Box<dyn Identity>],
) -> Result<Side, MergeError> {
    let binary = Format::from_path(std::path::Path::new(path)) == Format::Binary;
    let opened = match convert::classify(path, content) {
        Content::Plain => None,
        Content::Encrypted { store, text, .. } => Some(if binary {
            engine::decrypt_binary(text, ids)
        } else {
            let mut plain = Vec::new();
            engine::decrypt_to(store, text, ids, &mut plain).map(|o| (plain, o))
        }),
    };
    match opened {
        None => Ok(Side {
            plain: content.to_vec(),
            opened: None,
        }),
        Some(Ok((plain, o))) => Ok(Side {
            plain,
            opened: Some(o),
        }),
        Some(Err(error @ DecryptError::Integrity(_))) => Err(MergeError::Tampered { side, error }),
        Some(Err(error)) => Err(MergeError::Locked { side, error }),
    }
}

/// Merges the three repository-form versions of `path`.
pub fn merge(
    path: &str,
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    identities: &[Box<dyn Identity>],
    context: &keys::Context,
    labels: &Labels<'_>,
) -> Result<Merged, MergeError> {
    let marker_size = labels.marker_size;
    let base = open_side("the common ancestor", path, base, identities)?;
    let ours = open_side("our version", path, ours, identities)?;
    let theirs = open_side("their version", path, theirs, identities)?;

    let binary = Format::from_path(std::path::Path::new(path)) == Format::Binary;
    let merged = if ours.plain == theirs.plain || theirs.plain == base.plain {
        Ok(ours.plain.clone())
    } else if ours.plain == base.plain {
        Ok(theirs.plain.clone())
    } else if binary {
        // Both changed a file that has no lines to merge.
        Err(ours.plain.clone())
    } else {
        let mut opts = diffy::MergeOptions::new();
        opts.set_conflict_marker_length(marker_size)
            .set_conflict_style(diffy::ConflictStyle::Merge);
        opts.merge_bytes(&base.plain, &ours.plain, &theirs.plain)
            .map_err(|conflicted| relabel(conflicted, marker_size, labels))
    };
    let plain = match merged {
        Ok(p) => p,
        Err(conflicted) => {
            let conflicted = zeroize::Zeroizing::new(conflicted);
            let Some(anchor) = ours.opened.as_ref().or(theirs.opened.as_ref()) else {
                return Ok(Merged::Conflicts(conflicted.to_vec()));
            };
            let opts = EncryptOptions {
                recipients: &[],
                rules: None,
                baseline: Some(anchor),
                now: SystemTime::now(),
                allow_nothing_encrypted: false,
            };
            return engine::encrypt_binary(&conflicted, &opts)
                .map(|e| Merged::Conflicts(e.text.into_bytes()))
                .map_err(MergeError::Encrypt);
        }
    };

    // Re-encrypt against ours (else theirs, if only they had encrypted the file).
    let Some(anchor) = ours.opened.as_ref().or(theirs.opened.as_ref()) else {
        return Ok(Merged::Clean(plain));
    };
    let ids_of = |s: &Side| -> Vec<String> {
        s.opened
            .as_ref()
            .map(|o| o.metadata.recipient_ids().map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let (b, o, t) = (ids_of(&base), ids_of(&ours), ids_of(&theirs));
    let anchor_ids = if ours.opened.is_some() { &o } else { &t };
    let mut wanted: Vec<String> = anchor_ids.clone();
    // Recipients as a three-way set merge: theirs' additions and removals apply to ours.
    if ours.opened.is_some() && theirs.opened.is_some() {
        wanted.extend(
            t.iter()
                .filter(|id| !b.contains(id) && !o.contains(id))
                .cloned(),
        );
        wanted.retain(|id| !b.contains(id) || t.contains(id));
    }
    // A file with key groups keeps its groups: a flat list would flatten it (and rotate its
    // key). Changing groups is `vaultfile updatekeys`' job, not a merge's.
    let recipients: Vec<Box<dyn Recipient>> =
        if &wanted == anchor_ids || anchor.metadata.has_key_groups() {
            Vec::new()
        } else {
            wanted
                .iter()
                .map(|id| {
                    keys::parse_recipient_with(id, context)
                        .map_err(|e| MergeError::Recipient(id.clone(), e))
                })
                .collect::<Result<_, _>>()?
        };
    let opts = EncryptOptions {
        recipients: &recipients,
        rules: None,
        baseline: Some(anchor),
        now: SystemTime::now(),
        allow_nothing_encrypted: false,
    };
    let out = match format::store_for(Format::from_path(std::path::Path::new(path))) {
        Some(store) => {
            let text = String::from_utf8(plain).map_err(|_| {
                MergeError::Encrypt(EncryptError::Parse(format::ParseError {
                    line: 1,
                    column: 1,
                    message: "the merged file is not UTF-8".into(),
                }))
            })?;
            engine::encrypt(store, &text, &opts).map(|e| e.text.into_bytes())
        }
        None => engine::encrypt_binary(&plain, &opts).map(|e| e.text.into_bytes()),
    };
    out.map(Merged::Clean).map_err(MergeError::Encrypt)
}

/// Replaces diffy's fixed marker labels with git's.
fn relabel(text: Vec<u8>, n: usize, labels: &Labels<'_>) -> Vec<u8> {
    let marker = |c: char, label: &str| format!("{}{}", c.to_string().repeat(n), label);
    let swaps = [
        (
            marker('<', " ours"),
            marker('<', &format!(" {}", labels.ours)),
        ),
        (
            marker('|', " original"),
            marker('|', &format!(" {}", labels.base)),
        ),
        (
            marker('>', " theirs"),
            marker('>', &format!(" {}", labels.theirs)),
        ),
    ];
    let mut out = Vec::with_capacity(text.len());
    for line in text.split_inclusive(|b| *b == b'\n') {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        match swaps.iter().find(|(from, _)| from.as_bytes() == body) {
            Some((_, to)) => {
                out.extend_from_slice(to.as_bytes());
                out.extend_from_slice(&line[body.len()..]);
            }
            None => out.extend_from_slice(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::convert::{self, Smudged};
    use crate::keys::testkit::{self, flat};

    const LABELS: Labels<'static> = Labels {
        ours: "HEAD",
        base: "base",
        theirs: "feature",
        marker_size: 7,
    };

    fn enc(
        path: &str,
        text: &str,
        ids: &[Box<dyn Identity>],
        r: &[Box<dyn Recipient>],
        base: Option<&[u8]>,
    ) -> Vec<u8> {
        // A new file gets `r`; a stored one keeps its holders (no rule to match).
        let new_file = base.is_none();
        convert::clean_at(
            path,
            text.into(),
            base,
            ids,
            &mut || {
                Ok(if new_file {
                    convert::RuleFor::Rule(
                        keys::KeyHolders::Recipients(
                            r.iter()
                                .map(|r| keys::parse_recipient(r.id()).unwrap())
                                .collect(),
                        ),
                        crate::path::RuleSpec::default(),
                    )
                } else {
                    convert::RuleFor::NoRule("no rule".into())
                })
            },
            SystemTime::now(),
        )
        .unwrap()
    }

    fn dec(path: &str, blob: Vec<u8>, ids: &[Box<dyn Identity>]) -> String {
        match convert::smudge(path, blob, ids).unwrap() {
            Smudged::Decrypted(p) => String::from_utf8(p).unwrap(),
            _ => panic!("not decrypted"),
        }
    }

    const BASE: &str = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n";

    /// `x.yaml` as `BASE` encrypted for `r`, and our and their edits of it (each `(from,
    /// to)` replaced in `BASE`), stored as re-encryptions of it.
    fn sides(
        ids: &[Box<dyn Identity>],
        r: &[Box<dyn Recipient>],
        ours: (&str, &str),
        theirs: (&str, &str),
    ) -> [Vec<u8>; 3] {
        let base = enc("x.yaml", BASE, ids, r, None);
        let edit =
            |(from, to): (&str, &str)| enc("x.yaml", &BASE.replace(from, to), ids, r, Some(&base));
        let (ours, theirs) = (edit(ours), edit(theirs));
        [base, ours, theirs]
    }

    /// The merge of three stored versions of `x.yaml`; `conflicts` says whether it must
    /// have conflicts.
    fn merged(
        base: &[u8],
        ours: &[u8],
        theirs: &[u8],
        ids: &[Box<dyn Identity>],
        conflicts: bool,
    ) -> Vec<u8> {
        match (merge_yaml(base, ours, theirs, ids), conflicts) {
            (Merged::Clean(out), false) | (Merged::Conflicts(out), true) => out,
            (Merged::Clean(_), true) => panic!("no conflict"),
            (Merged::Conflicts(_), false) => panic!("conflict"),
        }
    }

    /// Merges three stored versions of `x.yaml` with the default key context.
    fn merge_yaml(base: &[u8], ours: &[u8], theirs: &[u8], ids: &[Box<dyn Identity>]) -> Merged {
        merge(
            "x.yaml",
            base,
            ours,
            theirs,
            ids,
            &Default::default(),
            &LABELS,
        )
        .unwrap()
    }

    #[test]
    fn edits_to_different_values_merge_and_keep_unchanged_tokens() {
        let (r, ids) = testkit::generated();
        let [base, ours, theirs] = sides(&ids, &r, ("a: 1", "a: 10"), ("e: 5", "e: 50"));
        let out = merged(&base, &ours, &theirs, &ids, false);
        assert_eq!(
            dec("x.yaml", out.clone(), &ids),
            "a: 10\nb: 2\nc: 3\nd: 4\ne: 50\n"
        );
        // Values nobody changed keep the ciphertext they had.
        let line = |blob: &[u8], key: &str| {
            String::from_utf8(blob.to_vec())
                .unwrap()
                .lines()
                .find(|l| l.starts_with(key))
                .unwrap()
                .to_owned()
        };
        assert_eq!(line(&out, "c:"), line(&base, "c:"));
    }

    #[test]
    fn edits_to_the_same_value_conflict_in_plaintext_stored_encrypted() {
        let (r, ids) = testkit::generated();
        let [base, ours, theirs] = sides(&ids, &r, ("c: 3", "c: ours"), ("c: 3", "c: theirs"));
        let blob = merged(&base, &ours, &theirs, &ids, true);
        // What git stores is ciphertext; the work tree gets it through smudge.
        let stored = String::from_utf8(blob.clone()).unwrap();
        assert!(
            !stored.contains("c: ours") && !stored.contains("c: theirs"),
            "{stored}"
        );
        let out = dec("x.yaml", blob, &ids);
        assert!(
            out.contains("<<<<<<< HEAD\nc: ours\n=======\nc: theirs\n>>>>>>> feature\n"),
            "{out}"
        );
        assert!(!out.contains("VF1."), "{out}");
    }

    #[test]
    fn a_recipient_added_on_their_side_is_kept() {
        let (r, ids) = testkit::generated();
        let (r2, _) = testkit::generated();
        let base = enc("x.yaml", BASE, &ids, &r, None);
        let ours = enc(
            "x.yaml",
            &BASE.replace("a: 1", "a: 10"),
            &ids,
            &r,
            Some(&base),
        );
        // Theirs: re-encrypted for both keys (same data key).
        let opened = engine::open(
            format::store_for(Format::Yaml).unwrap(),
            std::str::from_utf8(&base).unwrap(),
            &ids,
        )
        .unwrap();
        let both: Vec<Box<dyn Recipient>> = r
            .iter()
            .chain(&r2)
            .map(|x| keys::parse_recipient(x.id()).unwrap())
            .collect();
        let theirs = engine::encrypt(
            format::store_for(Format::Yaml).unwrap(),
            BASE,
            &EncryptOptions {
                recipients: &both,
                rules: None,
                baseline: Some(&opened),
                now: SystemTime::now(),
                allow_nothing_encrypted: false,
            },
        )
        .unwrap()
        .text;
        let out = merged(&base, &ours, theirs.as_bytes(), &ids, false);
        let meta = convert::metadata_of("x.yaml", &out).unwrap();
        let got: Vec<&str> = meta.recipient_ids().collect();
        assert_eq!(got, [r[0].id(), r2[0].id()]);
    }

    /// `text` encrypted as a stored file whose rule names `holders` (a new file if `base`
    /// is `None`, else re-encrypted from `base`, gaining or losing recipients as the rule
    /// says).
    fn enc_for(
        text: &str,
        ids: &[Box<dyn Identity>],
        holders: keys::KeyHolders,
        base: Option<&[u8]>,
    ) -> Vec<u8> {
        let mut holders = Some(holders);
        convert::clean_at(
            "x.yaml",
            text.into(),
            base,
            ids,
            &mut || {
                Ok(convert::RuleFor::Rule(
                    holders.take().expect("asked once"),
                    crate::path::RuleSpec::default(),
                ))
            },
            SystemTime::now(),
        )
        .unwrap()
    }

    /// The identities of a new key, and the recipient strings of that key and of two
    /// other new ones.
    fn three_keys() -> (Vec<Box<dyn Identity>>, [String; 3]) {
        let (ra, ids) = testkit::generated();
        let others = [testkit::generated().0, testkit::generated().0];
        let id = |r: &[Box<dyn Recipient>]| r[0].id().to_owned();
        (ids, [id(&ra), id(&others[0]), id(&others[1])])
    }

    fn recipients(blob: &[u8]) -> Vec<String> {
        let meta = convert::metadata_of("x.yaml", blob).unwrap();
        meta.recipient_ids().map(str::to_owned).collect()
    }

    /// Recipients merge as sets, each side's change applied to the other: a removal on
    /// either side stays removed, an addition on either side stays added, and a recipient
    /// one side removed is not brought back because the other side still lists it.
    #[test]
    fn recipients_merge_as_sets_in_both_directions() {
        let (ids, [a, b, c]) = three_keys();
        let (a, b, c) = (a.as_str(), b.as_str(), c.as_str());
        let base = enc_for(BASE, &ids, flat(&[a, b]), None);
        let edit =
            |t: &str, who: &[&str]| enc_for(&BASE.replace("a: 1", t), &ids, flat(who), Some(&base));
        let merge_sides = |ours: &[u8], theirs: &[u8]| merged(&base, ours, theirs, &ids, false);
        // Theirs removes b; ours edits a value: b stays removed.
        let out = merge_sides(
            &edit("a: 10", &[a, b]),
            &enc_for(BASE, &ids, flat(&[a]), Some(&base)),
        );
        assert_eq!(recipients(&out), [a]);
        // Ours removes b; theirs, unchanged in recipients, does not bring it back.
        let out = merge_sides(
            &edit("a: 10", &[a]),
            &enc_for(
                &BASE.replace("e: 5", "e: 50"),
                &ids,
                flat(&[a, b]),
                Some(&base),
            ),
        );
        assert_eq!(recipients(&out), [a]);
        // Theirs adds c to what ours has: c is added, once.
        let out = merge_sides(
            &edit("a: 10", &[a, b]),
            &enc_for(BASE, &ids, flat(&[a, b, c]), Some(&base)),
        );
        assert_eq!(recipients(&out), [a, b, c]);
        assert_eq!(dec("x.yaml", out, &ids), BASE.replace("a: 1", "a: 10"));
    }

    /// A side that is not encrypted (their branch holds the plaintext) takes no recipient
    /// away from ours, neither those of the common ancestor nor those ours added.
    #[test]
    fn a_plaintext_side_removes_no_recipient() {
        let (ids, [a, b, c]) = three_keys();
        let (a, b, c) = (a.as_str(), b.as_str(), c.as_str());
        let base = enc_for(BASE, &ids, flat(&[a, b]), None);
        let ours = enc_for(
            &BASE.replace("a: 1", "a: 10"),
            &ids,
            flat(&[a, b, c]),
            Some(&base),
        );
        let theirs = BASE.replace("e: 5", "e: 50");
        let out = merged(&base, &ours, theirs.as_bytes(), &ids, false);
        assert_eq!(recipients(&out), [a, b, c]);
    }

    /// A file with key groups keeps its groups through a merge, whatever the recipients
    /// on their side: changing groups is `updatekeys`' job, not a merge's.
    #[test]
    fn key_groups_survive_a_merge_with_other_recipients_on_their_side() {
        let (ra, ids_a) = testkit::generated();
        let (rb, ids_b) = testkit::generated();
        let (rc, _) = testkit::generated();
        let (a, b, c) = (ra[0].id(), rb[0].id(), rc[0].id());
        let groups = |g: &[&[&str]]| testkit::grouped(g, 2);
        let ids: Vec<Box<dyn Identity>> = ids_a.into_iter().chain(ids_b).collect();
        let base = enc_for(BASE, &ids, groups(&[&[a], &[b]]), None);
        let ours = enc_for(
            &BASE.replace("a: 1", "a: 10"),
            &ids,
            groups(&[&[a], &[b]]),
            Some(&base),
        );
        let theirs = enc_for(BASE, &ids, groups(&[&[a, c], &[b]]), Some(&base));
        let out = merged(&base, &ours, &theirs, &ids, false);
        let meta = convert::metadata_of("x.yaml", &out).unwrap();
        assert!(meta.has_key_groups(), "the merge flattened the key groups");
        assert_eq!(dec("x.yaml", out, &ids), BASE.replace("a: 1", "a: 10"));
    }

    /// A binary file changed on one side only merges to that side's version (there are
    /// no lines to merge, but nothing to conflict either).
    #[test]
    fn a_binary_file_changed_on_one_side_takes_that_side() {
        let (r, ids) = testkit::generated();
        let bin = |bytes: &[u8], base: Option<&[u8]>| {
            convert::clean_at(
                "k.bin",
                bytes.to_vec(),
                base,
                &ids,
                &mut || {
                    Ok(convert::RuleFor::Rule(
                        flat(&[r[0].id()]),
                        crate::path::RuleSpec::default(),
                    ))
                },
                SystemTime::now(),
            )
            .unwrap()
        };
        let base = bin(&[0, 1, 2], None);
        let ours = bin(&[0, 1, 2, 3], Some(&base));
        for (o, t) in [(&ours, &base), (&base, &ours)] {
            let Merged::Clean(out) =
                merge("k.bin", &base, o, t, &ids, &Default::default(), &LABELS).unwrap()
            else {
                panic!("conflict")
            };
            let Smudged::Decrypted(plain) = convert::smudge("k.bin", out, &ids).unwrap() else {
                panic!("not decrypted")
            };
            assert_eq!(plain, [0, 1, 2, 3]);
        }
    }
}
