//! Library benchmarks: parse, encrypt and decrypt a generated YAML document in memory.
//!
//! Run with `cargo bench --bench engine`. The whole-process comparison against SOPS is
//! `scripts/bench.sh`; figures for both are in BENCHMARKS.md.

use std::sync::Arc;
use std::time::SystemTime;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use vaultfile::engine::{self, EncryptOptions};
use vaultfile::format::{self, Format, ParseOptions};
use vaultfile::keys;

/// A config-like YAML document with `leaves` values, shaped like gen_corpus.py's output.
fn document(leaves: usize) -> String {
    let mut s = String::with_capacity(leaves * 40);
    for i in 0..leaves {
        if i % 8 == 0 {
            s.push_str(&format!("section_{i}:\n"));
        }
        match i % 4 {
            0 => s.push_str(&format!(
                "  password_{i}: Zq8xR2mN4vB7kL1pW3yT6uE9iO0aS5dF\n"
            )),
            1 => s.push_str(&format!("  port_{i}: {}\n", 1000 + i % 60000)),
            2 => s.push_str(&format!("  enabled_{i}: {}\n", i % 3 == 0)),
            _ => s.push_str(&format!(
                "  dsn_{i}: \"postgres://app:secret{i}@db.internal:5432/app\"\n"
            )),
        }
    }
    s
}

fn bench(c: &mut Criterion) {
    let identity = age::x25519::Identity::generate();
    let key_text = format!(
        "{}\n",
        age::secrecy::ExposeSecret::expose_secret(&identity.to_string())
    );
    let ids =
        keys::load_identities("bench", key_text.as_bytes(), Arc::new(keys::NoCallbacks)).unwrap();
    let recipients = vec![keys::parse_recipient(&identity.to_public().to_string()).unwrap()];
    let store = format::store_for(Format::Yaml).unwrap();

    let mut g = c.benchmark_group("yaml");
    g.sample_size(10);
    for leaves in [1_000usize, 100_000] {
        let plain = document(leaves);
        let opts = EncryptOptions {
            recipients: &recipients,
            rules: None,
            baseline: None,
            now: SystemTime::now(),
            allow_nothing_encrypted: false,
        };
        let enc = engine::encrypt(store, &plain, &opts).unwrap().text;
        g.throughput(Throughput::Bytes(plain.len() as u64));
        g.bench_with_input(BenchmarkId::new("parse", leaves), &plain, |b, p| {
            b.iter(|| store.parse(p, ParseOptions::default()).unwrap());
        });
        g.bench_with_input(BenchmarkId::new("encrypt", leaves), &plain, |b, p| {
            b.iter(|| engine::encrypt(store, p, &opts).unwrap());
        });
        g.bench_with_input(BenchmarkId::new("decrypt", leaves), &enc, |b, e| {
            b.iter(|| engine::decrypt(store, e, &ids).unwrap());
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
